/**
 * flux-impact CLI: a thin adapter that loads a snapshot from disk or git, calls the engine, and prints.
 * Exit codes: 0 ok, 1 errors found in the repository, 2 usage error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type AnalyzedRepository, analyzeRepository } from "../core/analyze.ts";
import { graphJson, graphMermaid, graphText } from "../core/report/graph-view.ts";
import { redactObject } from "../core/report/redact.ts";
import type { RepoSnapshot } from "../core/snapshot/repo-snapshot.ts";
import { stringifyYamlStream } from "../core/yaml/stringify.ts";
import { loadDirectorySnapshot, loadGitSnapshot, SnapshotLoadError } from "./fs-snapshot.ts";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const USAGE = `Usage: flux-impact <command> [options]

Commands:
  graph [DIR]   Discover every Flux Kustomization and HelmRelease and print the graph.
                --format json|text|mermaid (default text)
  build [DIR]   Print what a Flux Kustomization renders (what \`flux build ks\` would apply).
                --kustomization NS/NAME   one Kustomization to stdout (Secret values shown as fingerprints)
                --all --out OUTDIR        every Kustomization to OUTDIR/<namespace>/<name>.yaml
  demo          Run \`graph\` on the bundled example repository (examples/homelab/base).

Common options:
  --cluster-path P   Directory Flux syncs first (repeatable); default: detected
  --search-root D    Only look for entrypoints under D (a repository with several clusters)
  --rev REV          Read the repository at a git revision instead of the working tree
  -h, --help         Show this help

Exit codes: 0 ok, 1 errors found in the repository, 2 usage error.
`;

const OPTIONS = {
  format: { type: "string" },
  kustomization: { type: "string" },
  all: { type: "boolean" },
  out: { type: "string" },
  "cluster-path": { type: "string", multiple: true },
  "search-root": { type: "string" },
  rev: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    return run(argv, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SnapshotLoadError) {
      io.stderr(`flux-impact: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function run(argv: readonly string[], io: CliIo): number {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") {
    io.stdout(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (rest.length > 1) throw new UsageError(`${command} takes at most one directory, got: ${rest.join(" ")}`);
  const dir = resolve(rest[0] ?? ".");
  switch (command) {
    case "graph":
      return graphCommand(analyze(dir, values), values.format ?? "text", io);
    case "build":
      return buildCommand(analyze(dir, values), values, io);
    case "demo": {
      const example = join(
        dirname(fileURLToPath(import.meta.url)),
        "..",
        "..",
        "examples",
        "homelab",
        "base",
      );
      io.stdout(`flux-impact demo: the bundled example repository (${example})\n\n`);
      const code = graphCommand(analyze(example, values), values.format ?? "text", io);
      io.stdout(
        "\nNext: flux-impact graph examples/homelab/head   (the same repository after a pull request)\n",
      );
      return code;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function analyze(
  dir: string,
  values: {
    rev?: string | undefined;
    "cluster-path"?: string[] | undefined;
    "search-root"?: string | undefined;
  },
): AnalyzedRepository {
  const snapshot: RepoSnapshot = values.rev ? loadGitSnapshot(dir, values.rev) : loadDirectorySnapshot(dir);
  const clusterPaths = values["cluster-path"];
  const searchRoot = values["search-root"];
  return analyzeRepository(snapshot, {
    ...(clusterPaths?.length ? { clusterPaths } : {}),
    ...(searchRoot ? { searchRoot } : {}),
  });
}

function hasErrors(model: AnalyzedRepository): boolean {
  return model.diagnostics.some((d) => d.severity === "error");
}

function graphCommand(model: AnalyzedRepository, format: string, io: CliIo): number {
  if (format === "json") io.stdout(`${JSON.stringify(graphJson(model), null, 2)}\n`);
  else if (format === "mermaid") io.stdout(graphMermaid(model));
  else if (format === "text") io.stdout(graphText(model));
  else throw new UsageError(`--format must be json, text or mermaid (got "${format}")`);
  return hasErrors(model) ? 1 : 0;
}

function buildCommand(
  model: AnalyzedRepository,
  values: { kustomization?: string | undefined; all?: boolean | undefined; out?: string | undefined },
  io: CliIo,
): number {
  if (values.all) {
    if (!values.out) throw new UsageError("build --all needs --out OUTDIR");
    let written = 0;
    for (const ks of model.kustomizations) {
      if (!ks.build) continue;
      const file = join(values.out, ks.namespace || "_", `${ks.name}.yaml`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, stringifyYamlStream(ks.build.objects.map((o) => redactObject(o.object))));
      written++;
    }
    io.stderr(`wrote ${written} files under ${values.out}\n`);
    for (const d of model.diagnostics.filter((x) => x.severity === "error")) {
      io.stderr(`error ${d.code}${d.file ? ` ${d.file}${d.line ? `:${d.line}` : ""}` : ""}: ${d.message}\n`);
    }
    return hasErrors(model) ? 1 : 0;
  }
  if (!values.kustomization)
    throw new UsageError("build needs --kustomization NS/NAME or --all --out OUTDIR");
  const ks = model.kustomizations.find((k) => k.key === values.kustomization);
  if (!ks) {
    const known = model.kustomizations.map((k) => k.key).join(", ") || "none";
    throw new UsageError(
      `no Flux Kustomization "${values.kustomization}" in this repository; known: ${known}`,
    );
  }
  if (!ks.build) {
    io.stderr(`flux-impact: ${ks.key} is not rendered (status: ${ks.status})\n`);
    return 1;
  }
  io.stdout(stringifyYamlStream(ks.build.objects.map((o) => redactObject(o.object))));
  for (const d of ks.build.diagnostics.filter((x) => x.severity === "error")) {
    io.stderr(`error ${d.code}${d.file ? ` ${d.file}${d.line ? `:${d.line}` : ""}` : ""}: ${d.message}\n`);
  }
  return ks.build.failed ? 1 : 0;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
