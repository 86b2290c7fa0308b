/** Command-line option parsing shared by the commands, and the usage text. */
import { parseArgs } from "node:util";
import type { KnownRepositoryIdentity } from "./git-identity.ts";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The repository's identity, asked of git before the engine loaded (entry.ts); else git is asked then. */
  repositoryIdentity?: KnownRepositoryIdentity;
}

export const USAGE = `Usage: flux-impact <command> [options]

Commands:
  diff BASE HEAD
                What a change does to the cluster: affected Kustomizations and HelmReleases, why,
                what waits on them, what Flux deletes. BASE and HEAD are directories, or git
                revisions of the repository at --repo (default: the current directory).
                --format markdown|json (default markdown: the pull-request comment)
                --render-charts   also render the changed HelmReleases' charts at both revisions
                            (fetched over https from public addresses, cached by digest under
                            ~/.cache/flux-impact/charts) and show what they install, object by object
                --cluster   also a server-side apply dry run of every object the change modifies
                            against the live cluster (read-only; field manager kustomize-controller):
                            refusals (schema, admission policies, immutable fields) become errors on
                            the object's file, and the live object is compared with the result (drift)
  status [DIR]  The live cluster beside the repository: every Flux Kustomization and HelmRelease with
                Ready, its last applied revision against DIR's HEAD, suspended ones, and what exists
                only in the cluster or only in the repository. Exits 1 when one is not Ready.
                --format text|json (default text)
  check [DIR]   Every check on one revision, as the check run on the default branch shows it:
                build and graph errors, the secret gate, repository health. Prints
                \`path:line:col  severity  CODE  message\`; exits 1 when a finding fails the policy.
                --format text|json (default text)
  stale [DIR]   Every disabled (.dis) service with its age from git history and whether it is stale.
                --days N (default: stale.days of the configuration, 30)
                --format text|json (default text)
  graph [DIR]   Discover every Flux Kustomization and HelmRelease and print the graph.
                --format text|json|mermaid (default text)
  build [DIR]   Print what a Flux Kustomization renders (what \`flux build ks\` would apply).
                --kustomization NS/NAME   one Kustomization to stdout (Secret values shown as fingerprints)
                --helmrelease NS/NAME     one HelmRelease's chart rendered as helm-controller renders it
                                          (chart fetched over https, cached by digest under
                                          ~/.cache/flux-impact/charts; Secret values as fingerprints)
                --all --out OUTDIR        every Kustomization to OUTDIR/<namespace>/<name>.yaml
                                          (OUTDIR/<cluster>/… with several clusters)
  demo          Run \`diff\` on the bundled example repository's two revisions.
  event-token OWNER/REPO
                The token a repository's clusters sign Flux events with (the Provider Secret's
                \`token\`), from the deployment's FLUX_EVENTS_SECRET environment variable.

Common options:
  --cluster-path P   Directory Flux syncs first (repeatable); default: detected
  --search-root D    Only look for entrypoints under D (a repository with several clusters)
  --config FILE      check/diff/stale: the configuration (default: .github/flux-impact.yml of DIR, or of BASE)
  --rev REV          check/stale/graph/build: read the repository at a git revision instead of the working tree
  --repo DIR         diff: the repository whose revisions BASE and HEAD name (default: .)
  --kubeconfig F     status, diff --cluster: the kubeconfig (default: KUBECONFIG, ~/.kube/config, or
                     the in-cluster service account)
  --context C        status, diff --cluster: the kubeconfig context (default: its current one)
  -h, --help         Show this help

Exit codes: 0 ok, 1 errors found in the repository (check and diff: findings that fail the policy of
the configuration; by default, errors — for diff, errors the change introduces), 2 usage error (or a
cluster that cannot be reached).
`;

const OPTIONS = {
  format: { type: "string" },
  days: { type: "string" },
  config: { type: "string" },
  kustomization: { type: "string" },
  helmrelease: { type: "string" },
  all: { type: "boolean" },
  out: { type: "string" },
  "cluster-path": { type: "string", multiple: true },
  "search-root": { type: "string" },
  rev: { type: "string" },
  repo: { type: "string" },
  cluster: { type: "boolean" },
  "render-charts": { type: "boolean" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export type CliValues = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>["values"];

export function parseCli(argv: readonly string[]): { values: CliValues; positionals: string[] } {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

export function analyzeOptions(values: CliValues): { clusterPaths?: string[]; searchRoot?: string } {
  const clusterPaths = values["cluster-path"];
  const searchRoot = values["search-root"];
  return { ...(clusterPaths?.length ? { clusterPaths } : {}), ...(searchRoot ? { searchRoot } : {}) };
}
