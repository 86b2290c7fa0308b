/**
 * A fast path for stringifyYaml: writes the common shapes of Kubernetes objects (maps, lists of scalars
 * and maps, plain and simply-quoted strings, literal blocks) directly, and gives up (undefined) on
 * anything unusual, where the caller uses the `yaml` library. Its output is byte-identical to
 * stringifyYaml's for everything it accepts (pinned by a differential test over real repositories).
 */
import { goYamlKeyCompare } from "./key-order.ts";
import { formatNumber } from "./scalar-schemas.ts";

export type Retypes = (s: string) => boolean;

class GiveUp extends Error {}

/** YAML indicators that may not start a plain scalar (`-`, `?`, `:` may, when followed by a non-space). */
const INDICATOR_FIRST = /^[,[\]{}#&*!|>'"%@`]/;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

export function fastStringify(value: unknown, retypes: Retypes): string | undefined {
  try {
    const out: string[] = [];
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    writeMap(value as Record<string, unknown>, 0, out, retypes);
    return out.join("");
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

function writeMap(
  map: Record<string, unknown>,
  indent: number,
  out: string[],
  retypes: Retypes,
  firstInline = false,
): void {
  const keys = Object.keys(map).sort(goYamlKeyCompare);
  if (keys.length === 0) throw new GiveUp();
  const pad = " ".repeat(indent);
  keys.forEach((key, i) => {
    const v = map[key];
    if (v === undefined) throw new GiveUp();
    out.push(i === 0 && firstInline ? "" : pad, scalarKey(key, retypes), ":");
    writeValue(v, indent, out, retypes);
  });
}

/** After "key:" (or "- "): the value, its own line(s) for collections. */
function writeValue(v: unknown, indent: number, out: string[], retypes: Retypes): void {
  if (Array.isArray(v)) {
    if (v.length === 0) return void out.push(" []\n");
    out.push("\n");
    writeSeq(v, indent, out, retypes);
  } else if (v !== null && typeof v === "object") {
    if (Object.keys(v).length === 0) return void out.push(" {}\n");
    out.push("\n");
    writeMap(v as Record<string, unknown>, indent + 2, out, retypes);
  } else {
    out.push(" ", scalar(v, indent + 2, retypes), "\n");
  }
}

function writeSeq(items: unknown[], indent: number, out: string[], retypes: Retypes): void {
  const pad = " ".repeat(indent);
  for (const item of items) {
    if (Array.isArray(item)) throw new GiveUp();
    if (item !== null && typeof item === "object") {
      if (Object.keys(item).length === 0) {
        out.push(pad, "- {}\n");
        continue;
      }
      out.push(pad, "- ");
      writeMap(item as Record<string, unknown>, indent + 2, out, retypes, true);
    } else {
      out.push(pad, "- ", scalar(item, indent + 2, retypes), "\n");
    }
  }
}

function scalarKey(key: string, retypes: Retypes): string {
  if (key.includes("\n")) throw new GiveUp();
  const s = scalar(key, 0, retypes);
  if (s.startsWith("|")) throw new GiveUp();
  return s;
}

function scalar(v: unknown, indent: number, retypes: Retypes): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v !== "string") throw new GiveUp();
  if (v === "") return '""';
  if (CONTROL.test(v) || v.includes("\r") || v.includes("\t") || /^(---|\.\.\.)/.test(v)) throw new GiveUp();
  if (v.includes("\n")) return block(v, indent);
  if (retypes(v)) {
    if (/["\\]/.test(v)) throw new GiveUp();
    return `"${v}"`;
  }
  if (isPlain(v)) return v;
  if (v.includes("'")) throw new GiveUp();
  return `'${v}'`;
}

function isPlain(v: string): boolean {
  return (
    !INDICATOR_FIRST.test(v) &&
    !/^[-?:]( |$)/.test(v) &&
    !/^\s|\s$/.test(v) &&
    !v.endsWith(":") &&
    !v.includes(": ") &&
    !v.includes(" #")
  );
}

/** A literal block scalar with the chomping the library picks; unusual shapes fall back. */
function block(v: string, indent: number): string {
  const trailing = /\n*$/.exec(v)![0].length;
  const body = v.slice(0, v.length - trailing);
  if (body === "" || body.startsWith(" ") || body.startsWith("\n")) throw new GiveUp();
  const header = trailing === 0 ? "|-" : trailing === 1 ? "|" : "|+";
  const pad = " ".repeat(indent);
  const lines = body.split("\n").map((l) => (l === "" ? "" : pad + l));
  const extra = trailing > 1 ? "\n".repeat(trailing - 1) : "";
  return `${header}\n${lines.join("\n")}${extra}`;
}
