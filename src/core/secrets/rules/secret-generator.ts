/**
 * S8 (generators): a kustomization's `secretGenerator` with plain `literals` values, or with `envs`/`env`/
 * `files` naming a file that is among the scanned files and is not SOPS-encrypted (Flux decrypts SOPS
 * dotenv and binary files for generators, so an encrypted one is fine). A referenced file that is not
 * scanned (a PR scan sees only changed files) is not judged. A literal that is empty or a pure `${VAR}`
 * is not a value. Messages name the generator and the file, never the values.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { basename, dirname, resolvePath } from "../../snapshot/paths.ts";
import { decodeText, isSubstitutionPlaceholder, type RawFinding } from "./common.ts";
import {
  asMap,
  looksSopsEncrypted,
  mapGet,
  pairsOf,
  parseRawDocument,
  printableName,
  scalarText,
} from "./yaml-docs.ts";

const KUSTOMIZATION_NAMES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION_NAMES.has(basename(path));
}

export function scanSecretGenerators(
  path: string,
  text: string,
  fileBytes: (path: string) => Uint8Array | undefined,
): RawFinding[] {
  if (!isKustomizationPath(path) || !text.includes("secretGenerator")) return [];
  const parsed = parseRawDocument({ text, line: 1 });
  const root = asMap(parsed?.contents);
  const generators = root ? mapGet(root, "secretGenerator") : undefined;
  if (!parsed || !generators || !isSeq(generators)) return [];
  const out: RawFinding[] = [];
  for (const item of generators.items) {
    if (!isMap(item)) continue;
    const name = printableName(scalarText(mapGet(item, "name")) ?? "", "(unnamed)");
    const literals = mapGet(item, "literals");
    if (literals && isSeq(literals)) {
      const values = literals.items
        .map((n) => literalValue(scalarText(n as Node) ?? ""))
        .filter(isRealLiteral);
      if (values.length > 0)
        out.push({
          code: "secret-unencrypted-secret",
          severity: "error",
          message: `secretGenerator "${name}" has ${values.length} literal value(s) in plain text; use a SOPS-encrypted file or Secret instead`,
          line: parsed.lineOf((pairsOf(item, "literals")[0]?.key as Node | undefined) ?? literals),
          secret: JSON.stringify(values),
        });
    }
    for (const [field, node] of referencedFiles(item)) {
      const source = scalarText(node) ?? "";
      const rel = field === "files" ? fileSource(source) : source;
      const resolved = resolvePath(dirname(path), rel);
      if (!resolved.ok) continue;
      const bytes = fileBytes(resolved.path);
      if (bytes === undefined || bytes.length === 0) continue;
      const content = decodeText(bytes);
      if (content !== undefined && (looksSopsEncrypted(content) || !hasValue(field, content))) continue;
      out.push({
        code: "secret-unencrypted-secret",
        severity: "error",
        message: `secretGenerator "${name}" reads "${printableName(resolved.path, "(file)")}" (${field}), which is not SOPS-encrypted`,
        line: parsed.lineOf(node),
        secret: content ?? `${resolved.path}:${bytes.length}`,
      });
    }
  }
  return out;
}

function referencedFiles(item: YAMLMap): Array<[string, Node]> {
  const out: Array<[string, Node]> = [];
  for (const field of ["envs", "files"]) {
    const list = mapGet(item, field);
    if (list && isSeq(list)) for (const n of list.items) if (isScalar(n)) out.push([field, n]);
  }
  const env = mapGet(item, "env");
  if (env && isScalar(env)) out.push(["envs", env]);
  return out;
}

/** `files` entries are `path` or `key=path`. */
function fileSource(entry: string): string {
  const eq = entry.indexOf("=");
  return eq === -1 ? entry : entry.slice(eq + 1);
}

function literalValue(entry: string): string {
  const eq = entry.indexOf("=");
  return eq === -1 ? "" : entry.slice(eq + 1);
}

function isRealLiteral(value: string): boolean {
  const v = value.trim();
  return v !== "" && v !== '""' && v !== "''" && !isSubstitutionPlaceholder(v);
}

/** An env file holds a value when some `KEY=value` line has one; any other file when it is not blank. */
function hasValue(field: string, content: string): boolean {
  if (field !== "envs") return content.trim() !== "";
  for (const line of content.split("\n")) {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const eq = t.indexOf("=");
    if (eq !== -1 && isRealLiteral(t.slice(eq + 1))) return true;
  }
  return false;
}
