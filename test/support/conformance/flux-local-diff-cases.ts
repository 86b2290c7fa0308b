/**
 * Reads the flux-local `diff ks` / `diff hr` cases of the corpus (`corpus/flux-local/expected.json`, also
 * those run with an external `DIFF=` program) into
 * comparable checks: the query (cluster, --path, --sources, namespace filter, NAME), the change made to
 * the tree (the modified-worktree case's setup, as in-memory edits) and what flux-local printed, reduced to
 * an expectation — nothing changed, the named object was not found, or the set of object changes parsed
 * from the diff headers (`--- <ks path> Kustomization: <ns>/<name> <Kind>: <ns>/<name>` and the hunk
 * header after it: `+0,0` removed, `-0,0` added, else modified). The text format itself is flux-local's
 * and is not compared. Pure.
 */
import { isRecord, normalizeRoot, str } from "./flux-local-format.ts";

export type ObjectChangeKind = "added" | "removed" | "modified";

export interface ObjectChange {
  /** "namespace/name" of the Flux Kustomization whose output changed. */
  kustomization: string;
  kind: string;
  /** metadata.namespace, or the Kustomization's namespace when unset (flux-local's key). */
  namespace: string;
  name: string;
  change: ObjectChangeKind;
}

export type DiffExpectation =
  | { type: "empty" }
  | { type: "not-found"; message: string }
  | { type: "changes"; changes: ObjectChange[] };

export interface FluxLocalDiffCheck {
  id: string;
  command: string;
  kind: "ks" | "hr";
  cluster: string;
  /** --path, repository-relative and normalized. */
  root: string;
  sources: string | null;
  /** Namespace filter; null = all namespaces. */
  namespace: string | null;
  name: string | null;
  /** The modified worktree: path → new text (null = deleted); empty for a tree diffed against itself. */
  edits: Record<string, string | null>;
  expectation: DiffExpectation;
  /** Set when the case's setup cannot be reproduced in memory. */
  unsupported?: string;
}

const WITH_VALUE = new Set([
  "--path",
  "--path-orig",
  "--branch-orig",
  "-n",
  "--namespace",
  "--sources",
  "-l",
  "--label-selector",
  "-o",
  "--output",
  "--limit-bytes",
  "-u",
  "--unified",
  "--strip-attrs",
  "--skip-kinds",
  "-a",
  "--api-versions",
  "--kube-version",
  "--output-file",
]);

function parseArgv(argv: readonly string[]): { name: string | null; sources: string | null } {
  let name: string | null = null;
  let sources: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq < 0 ? a : a.slice(0, eq);
    const value = eq >= 0 ? a.slice(eq + 1) : WITH_VALUE.has(a) ? argv[++i] : undefined;
    if (flag === "--sources") sources = value ?? "";
    else if (!a.startsWith("-") && value === undefined && name === null) name = a;
  }
  return { name, sources };
}

const HEADER = /^\s*--- \S+ Kustomization: ([^/\s]+)\/(\S+) ([^:\s]+): (?:([^/\s]*)\/)?(\S+)\s*$/;
const HUNK = /^\s*@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** The object changes named by flux-local's diff output (text, or the yaml/json wrappers around it). */
export function parseDiffOutput(raw: string): ObjectChange[] {
  const out: ObjectChange[] = [];
  const lines = raw.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const h = HEADER.exec(lines[i] ?? "");
    if (!h) continue;
    let change: ObjectChangeKind = "modified";
    for (let j = i + 1; j < lines.length && j <= i + 6; j++) {
      const hunk = HUNK.exec(lines[j] ?? "");
      if (!hunk) continue;
      if (hunk[4] === "0") change = "removed";
      else if (hunk[2] === "0") change = "added";
      break;
    }
    out.push({
      kustomization: `${h[1]}/${h[2]}`,
      kind: h[3] ?? "",
      namespace: h[4] ?? h[1] ?? "",
      name: h[5] ?? "",
      change,
    });
  }
  return out;
}

/** In-memory edits for a case's `setup` text, or the reason it cannot be reproduced. */
export function setupEdits(
  setup: string | undefined,
): { edits: Record<string, string | null> } | { reason: string } {
  if (setup === undefined || setup === "") return { edits: {} };
  const truncated = /the file (\S+) is truncated to empty/.exec(setup);
  if (truncated?.[1]) return { edits: { [normalizeRoot(truncated[1])]: "" } };
  return { reason: `setup not reproducible in memory: ${setup}` };
}

function diffCheck(c: Record<string, unknown>): FluxLocalDiffCheck | undefined {
  const argv = Array.isArray(c.argv) ? c.argv.map(str) : [];
  if (argv[0] !== "diff" || (argv[1] !== "ks" && argv[1] !== "hr")) return undefined;
  const root = normalizeRoot(str(c.root_path));
  const q = parseArgv(argv);
  const raw = str(c.raw_output);
  const expectation: DiffExpectation =
    typeof c.message === "string"
      ? { type: "not-found", message: c.message }
      : raw.trim() === ""
        ? { type: "empty" }
        : { type: "changes", changes: parseDiffOutput(raw) };
  const setup = setupEdits(typeof c.setup === "string" ? c.setup : undefined);
  const check: FluxLocalDiffCheck = {
    id: str(c.id),
    command: str(c.command),
    kind: argv[1],
    cluster: root.split("/")[2] ?? "",
    root,
    sources: q.sources,
    namespace: typeof c.namespace_filter === "string" ? c.namespace_filter : null,
    name: q.name,
    edits: "edits" in setup ? setup.edits : {},
    expectation,
  };
  if ("reason" in setup) check.unsupported = setup.reason;
  const env = isRecord(c.env) ? c.env : {};
  if (typeof env.DIFF === "string" && expectation.type === "changes")
    check.unsupported = `output of the external DIFF program (${env.DIFF}), not flux-local's diff headers`;
  return check;
}

export function loadDiffChecks(expected: unknown): FluxLocalDiffCheck[] {
  const root = isRecord(expected) ? expected : {};
  return (Array.isArray(root.cases) ? root.cases : [])
    .filter(isRecord)
    .map(diffCheck)
    .filter((c): c is FluxLocalDiffCheck => c !== undefined);
}
