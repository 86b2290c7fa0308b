/**
 * Case G11: the largest pull request a job can be asked to analyze, end to end, and its peak memory. Both
 * revisions are archives at the default uncompressed limit (40 MB) whose manifests are all in Flux builds
 * (20 Kustomizations, ~14,800 ConfigMaps; 2,900 changed, so the PR's file list is read over REST), with a
 * substitution amplified 20,000 times and a committed token: every budget of the engine is hit. The
 * archives are built here and written to a temporary directory; job-memory-child.ts runs the real worker
 * and App on them against the GitHub double, in its own process so its peak RSS is the job's alone.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_TARBALL_LIMITS } from "../../../src/github/tarball.ts";
import { githubTarball } from "../github/github-double.ts";
import { BASE, FAULT_CANARY, HEAD } from "./faults.ts";
import type { CaseResult, OutputSink } from "./types.ts";

const MiB = 1024 * 1024;
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The child process is an entry point, so it lives in scripts/ (test/support never imports it). */
const CHILD = join(REPO_ROOT, "scripts", "reliability", "job-memory-child.ts");
export const JOB_TOKEN_PATH = "ops/token.env";

const enc = (s: string) => new TextEncoder().encode(s);

export interface JobMemoryFigures {
  peakRssBytes: number;
  beforeBytes: number;
  workerStatus: number;
  state: string;
  summary: string;
  tokenReported: boolean;
  outputs: string[];
}

/** A repository of `count` ConfigMaps in 20 Flux Kustomizations; the first `changed` differ per tag. */
function repository(count: number, changed: number, tag: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  files.set(
    "clusters/main/flux-system/kustomization.yaml",
    enc("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [gotk-sync.yaml]\n"),
  );
  files.set(
    "clusters/main/flux-system/gotk-sync.yaml",
    enc(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {url: https://github.com/homelab-org/home-ops, ref: {branch: main}, interval: 1m}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {path: ./clusters/main, sourceRef: {kind: GitRepository, name: flux-system}, interval: 10m, prune: true}
`),
  );
  const big = "A".repeat(40_000);
  files.set(
    "clusters/main/apps.yaml",
    enc(
      Array.from(
        { length: 20 },
        (_, g) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps${g}, namespace: flux-system}
spec: {path: ./apps/g${g}, sourceRef: {kind: GitRepository, name: flux-system}, interval: 10m, prune: true, postBuild: {substitute: {X: "x", BIG: "${big}"}}}
`,
      ).join("---\n"),
    ),
  );
  const groups: string[][] = Array.from({ length: 20 }, () => []);
  for (let i = 0; i < count; i++) {
    groups[i % 20]!.push(`cm${i}.yaml`);
    const pad = `${i < changed ? tag : "same"}-${i}-`.repeat(200).slice(0, 2300);
    files.set(
      `apps/g${i % 20}/cm${i}.yaml`,
      enc(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm${i}, namespace: default}\ndata:\n  a: "${pad}"\n  b: "\${X}"\n`,
      ),
    );
  }
  if (tag === "head") {
    groups[0]!.push("amp.yaml");
    files.set(
      "apps/g0/amp.yaml",
      enc(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: amp}\ndata:\n  v: "${"${BIG}".repeat(20_000)}"\n`,
      ),
    );
    files.set(JOB_TOKEN_PATH, enc(`GITHUB_TOKEN=${FAULT_CANARY}\n`));
  }
  for (const [g, names] of groups.entries())
    files.set(
      `apps/g${g}/kustomization.yaml`,
      enc(
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${names.map((n) => `  - ${n}`).join("\n")}\n`,
      ),
    );
  return files;
}

/** The largest count whose archive stays under the default limit (the tar's headers count too). */
function tarBytes(files: ReadonlyMap<string, Uint8Array>): number {
  let n = 1024;
  for (const [path, bytes] of files)
    n += 512 * (path.length > 100 ? 3 : 1) + Math.ceil(bytes.length / 512) * 512;
  return n;
}

export async function jobMemoryCase(sink: OutputSink): Promise<CaseResult> {
  const row = {
    id: "G11",
    group: "gate" as const,
    name: "largest PR at every limit, whole job in its own process",
    expected:
      "peak RSS < 512 MiB (worker, App, both 40 MB archives, analysis, check run); not a pass; the token reported",
  };
  let count = 14_000;
  let head = repository(count, 2900, "head");
  while (tarBytes(head) < DEFAULT_TARBALL_LIMITS.uncompressedBytes - 256 * 1024) {
    count += 200;
    head = repository(count, 2900, "head");
  }
  while (tarBytes(head) >= DEFAULT_TARBALL_LIMITS.uncompressedBytes) {
    count -= 50;
    head = repository(count, 2900, "head");
  }
  const base = repository(count, 2900, "base");
  const changed: Array<{ filename: string; status: string }> = [];
  for (const [path, bytes] of head) {
    const before = base.get(path);
    if (!before) changed.push({ filename: path, status: "added" });
    else if (Buffer.compare(Buffer.from(before), Buffer.from(bytes)) !== 0)
      changed.push({ filename: path, status: "modified" });
  }
  const dir = mkdtempSync(join(tmpdir(), "flux-impact-g11-"));
  try {
    writeFileSync(join(dir, "base.tgz"), await githubTarball(base, BASE, "homelab-org", "home-ops"));
    writeFileSync(join(dir, "head.tgz"), await githubTarball(head, HEAD, "homelab-org", "home-ops"));
    writeFileSync(join(dir, "changed.json"), JSON.stringify(changed));
    const child = spawnSync(process.execPath, ["--max-old-space-size=768", "--import", "tsx", CHILD, dir], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 64 * MiB,
      timeout: 180_000,
    });
    if (child.status !== 0) {
      const reason = child.error?.message ?? child.stderr.trim().split("\n").slice(-3).join(" ");
      return {
        ...row,
        observed: `child exited ${child.status ?? child.signal}: ${reason.slice(0, 300)}`,
        pass: false,
      };
    }
    const f = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as JobMemoryFigures;
    for (const text of f.outputs) sink(text);
    const archive = (tarBytes(head) / MiB).toFixed(1);
    return {
      ...row,
      observed: `${count} manifests, ${archive} MiB archives, ${changed.length} changed: peak RSS ${(f.peakRssBytes / MiB).toFixed(0)} MiB (${(f.beforeBytes / MiB).toFixed(0)} MiB before the job); worker ${f.workerStatus}, ${f.state}${f.tokenReported ? ", token reported" : ""}: "${f.summary.slice(0, 120)}"`,
      pass: f.peakRssBytes < 512 * MiB && f.state === "failure" && f.tokenReported,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
