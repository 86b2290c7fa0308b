/** `flux-impact build [DIR]`: what one (or every) Flux Kustomization renders, Secret values fingerprinted. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import {
  type AnalyzedRepository,
  type Diagnostic,
  isDnsSubdomain,
  stringifyYamlStream,
} from "../../core/index.ts";
import { redactObject } from "../../core/secrets/index.ts";
import { type CliIo, type CliValues, UsageError } from "../options.ts";

export function buildCommand(model: AnalyzedRepository, values: CliValues, io: CliIo): number {
  if (values.all) {
    if (!values.out) throw new UsageError("build --all needs --out OUTDIR");
    let written = 0;
    let refused = 0;
    // Several clusters may each have a flux-system/cluster-apps: each cluster gets its own folder, so no
    // file overwrites another's.
    const perCluster = new Set(model.kustomizations.map((k) => k.cluster)).size > 1;
    for (const ks of model.kustomizations) {
      if (!ks.build) continue;
      const file = outputFile(values.out, perCluster ? ks.cluster : undefined, ks.namespace || "_", ks.name);
      if (file === undefined) {
        // The names come from the repository: one such as `../../x` must not write outside OUTDIR.
        const what = perCluster
          ? `${ks.key} of cluster ${JSON.stringify(ks.cluster)}`
          : JSON.stringify(ks.key);
        io.stderr(`flux-impact: not written: ${what} is not a name Kubernetes accepts\n`);
        refused++;
        continue;
      }
      write(file, stringifyYamlStream(ks.build.objects.map((o) => redactObject(o.object))));
      written++;
    }
    io.stderr(`wrote ${written} files under ${values.out}\n`);
    printErrors(model.diagnostics, io);
    return refused > 0 || model.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
  }
  if (!values.kustomization)
    throw new UsageError("build needs --kustomization NS/NAME or --all --out OUTDIR");
  const matches = model.kustomizations.filter((k) => k.key === values.kustomization);
  if (matches.length > 1) {
    throw new UsageError(
      `Flux Kustomization "${values.kustomization}" is in several clusters (${matches.map((k) => k.cluster).join(", ")}); choose one with --search-root or --cluster-path`,
    );
  }
  const ks = matches[0];
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
  printErrors(ks.build.diagnostics, io);
  return ks.build.failed ? 1 : 0;
}

/**
 * OUTDIR/[CLUSTER/]NAMESPACE/NAME.yaml, or undefined when a name is not one Kubernetes accepts (a DNS-1123
 * subdomain has no `/` and no `..`, nothing a path could climb out with) or the cluster's name is not a
 * plain folder name.
 */
function outputFile(
  out: string,
  cluster: string | undefined,
  namespace: string,
  name: string,
): string | undefined {
  if ((namespace !== "_" && !isDnsSubdomain(namespace)) || !isDnsSubdomain(name)) return undefined;
  if (cluster !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(cluster)) return undefined;
  const file = resolve(out, ...(cluster !== undefined ? [cluster] : []), namespace, `${name}.yaml`);
  const within = relative(resolve(out), file);
  return within.startsWith("..") ? undefined : file;
}

function write(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(`cannot write ${file}: ${code ?? message}`);
  }
}

function printErrors(diagnostics: readonly Diagnostic[], io: CliIo): void {
  for (const d of diagnostics.filter((x) => x.severity === "error")) {
    io.stderr(`error ${d.code}${d.file ? ` ${d.file}${d.line ? `:${d.line}` : ""}` : ""}: ${d.message}\n`);
  }
}
