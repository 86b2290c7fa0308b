/**
 * kyaml field paths as replacements use them: splitting ("a.b.[name=x].c", "metadata.annotations.[a.b/c]",
 * escaped "\."), looking a source value up (PathGetter: indexes, "-", exact `[k=v]` matches), and finding
 * or creating target fields (PathMatcher: `[k=v]` is an UNANCHORED regular expression, `*` visits every
 * element, `create` adds missing fields and list elements).
 *
 * Matches are returned as slots that can be read and written. A slot created for a missing scalar (or
 * under an explicit null, where kyaml's creation is lost) is flagged so the writer types values the way
 * kustomize's output does.
 */

import { stringifyYaml } from "../../yaml/stringify.ts";
import { isJsonObject, type JsonObject, type JsonValue, setOwn } from "../resource.ts";
import {
  KyamlError,
  kindError,
  kindOf,
  type Maybe,
  type NodeKind,
  rawText,
  resolvePlain,
} from "./kyaml-nodes.ts";
import { goRegExp } from "./select.ts";

export interface Slot {
  get(): JsonValue;
  set(v: JsonValue): void;
  /** The field was created by this match (an untyped scalar until written). */
  created: boolean;
}

/** kustomize's SmarterPathSplitter(path, "."). */
export function splitFieldPath(path: string): string[] {
  let ps = path.split(".");
  if (ps.length > 1 && ps[0] === "") ps = ps.slice(1);
  const escaped: string[] = [ps[0] ?? ""];
  for (const p of ps.slice(1)) {
    const last = escaped.length - 1;
    if ((escaped[last] ?? "").endsWith("\\")) escaped[last] = `${(escaped[last] ?? "").slice(0, -1)}.${p}`;
    else escaped.push(p);
  }
  const out: string[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const elem = escaped[i] ?? "";
    if (!elem.startsWith("[") || elem.endsWith("]")) {
      out.push(elem);
      continue;
    }
    const bracketed = [elem];
    while (i < escaped.length - 1) {
      i++;
      bracketed.push(escaped[i] ?? "");
      if ((escaped[i] ?? "").endsWith("]")) break;
    }
    const joined = bracketed.join(".");
    out.push(joined.includes("=") ? joined : joined.replace(/^\[+|\]+$/g, ""));
  }
  return out;
}

const isListIndex = (p: string) => p.startsWith("[") && p.endsWith("]");
const idxNumber = (p: string) => (/^[+-]?[0-9]+$/.test(p) ? Number.parseInt(p, 10) : undefined);

function splitIndexNameValue(p: string): [string, string] {
  const elem = p.replace(/\]$/, "").replace(/^\[/, "");
  const eq = elem.indexOf("=");
  if (eq < 0)
    throw new KyamlError("list path element must contain fieldName=fieldValue for element to match");
  return [elem.slice(0, eq), elem.slice(eq + 1)];
}

/** kyaml's Lookup (PathGetter) without create: the value at the path, undefined when missing. */
export function lookupPath(root: JsonValue, path: string[]): Maybe {
  let match: Maybe = root;
  for (const raw of path) {
    const part = raw.trim();
    if (part === "") continue;
    if (match === undefined) return undefined;
    const idx = idxNumber(part);
    if (idx !== undefined || part === "-") {
      if (idx !== undefined && idx < 0) throw new KyamlError(`array index ${idx} cannot be negative`);
      if (match === null) return undefined;
      if (!Array.isArray(match)) throw kindError("SequenceNode", match);
      match = idx === undefined ? match[match.length - 1] : match[idx];
    } else if (part === "*") {
      throw new KyamlError("wildcard is not supported in PathGetter");
    } else if (isListIndex(part)) {
      const [name, value] = splitIndexNameValue(part);
      if (match === null) return undefined;
      if (!Array.isArray(match)) throw kindError("SequenceNode", match);
      match = match.find((e) =>
        name === ""
          ? rawText(e) === value
          : isJsonObject(e) && Object.hasOwn(e, name) && rawText(e[name]) === value,
      );
    } else {
      if (match === null) return undefined;
      if (!isJsonObject(match)) throw kindError("MappingNode", match);
      match = Object.hasOwn(match, part) ? match[part] : undefined;
    }
  }
  return match;
}

/** kyaml's PathMatcher: every slot the path reaches, creating missing parts when `create` is set. */
export function matchPath(root: Slot, path: string[], create: NodeKind | undefined): Slot[] {
  const [p0, ...rest] = path;
  if (p0 === undefined) return [root];
  const idx = idxNumber(p0);
  if (idx !== undefined && idx >= 0) return indexSeq(root, idx, rest, create);
  if (isListIndex(p0)) return matchSeq(root, p0, rest, create, true);
  if (p0 === "*") return elements(root.get()).flatMap((s) => matchPath(s, rest, create));
  return field(root, p0, rest, create);
}

function field(slot: Slot, name: string, rest: string[], create: NodeKind | undefined): Slot[] {
  const rn = slot.get();
  if (rn !== null && !isJsonObject(rn)) throw kindError("MappingNode", rn);
  if (rn !== null && Object.hasOwn(rn, name)) return matchPath(mapSlot(rn, name, false), rest, create);
  if (create === undefined) return [];
  const node = newNode(partKind(rest[0] ?? "", create));
  // Under an explicit null kyaml attaches the new field to the null node, so it is lost.
  if (rn === null) return matchPath(detached(node), rest, create);
  setOwn(rn, name, node);
  return matchPath(mapSlot(rn, name, true), rest, create);
}

function indexSeq(slot: Slot, idx: number, rest: string[], create: NodeKind | undefined): Slot[] {
  const rn = slot.get();
  const list = elements(rn);
  if (list.length === idx && create !== undefined) {
    const node = newNode(partKind(rest[0] ?? "", create));
    if (Array.isArray(rn)) {
      rn.push(node);
      list.push(listSlot(rn, idx, true));
    } else list.push(detached(node));
  }
  const target = list[idx];
  if (!target) throw new KyamlError(`index ${idx} specified but only ${list.length} elements found`);
  return matchPath(target, rest, create);
}

function matchSeq(
  slot: Slot,
  part: string,
  rest: string[],
  create: NodeKind | undefined,
  retry: boolean,
): Slot[] {
  const [name, pattern] = splitIndexNameValue(part);
  const re = goRegExp(pattern, false);
  if (typeof re === "string") throw new KyamlError(re);
  const rn = slot.get();
  const out: Slot[] = [];
  for (const s of elements(rn)) {
    const elem = s.get();
    if (name === "") {
      if (re.test(scalarString(elem))) out.push(s);
      continue;
    }
    if (!isJsonObject(elem) || !Object.hasOwn(elem, name)) continue;
    if (re.test(scalarString(elem[name] ?? null))) out.push(...matchPath(s, rest, create));
  }
  if (out.length > 0 || create === undefined || !retry) return out;
  const value = resolvePlain(pattern);
  let elem: JsonValue = value;
  if (name !== "") {
    elem = {};
    setOwn(elem, name, value);
  }
  if (!Array.isArray(rn)) return matchSeq(detached([elem]), part, rest, create, false);
  rn.push(elem);
  return matchSeq(slot, part, rest, create, false);
}

/** A node's YAML text as kyaml prints it for `[k=regex]` matching. */
function scalarString(v: JsonValue): string {
  return kindOf(v) === "ScalarNode" ? rawText(v) : stringifyYaml(v).trim();
}

function elements(rn: JsonValue): Slot[] {
  if (rn === null) return [];
  if (!Array.isArray(rn)) throw kindError("SequenceNode", rn);
  return rn.map((_, i) => listSlot(rn, i, false));
}

function partKind(next: string, create: NodeKind): NodeKind {
  if (isListIndex(next)) return "SequenceNode";
  const idx = idxNumber(next);
  if (idx !== undefined && idx >= 0) return "SequenceNode";
  return next === "" ? create : "MappingNode";
}

function newNode(kind: NodeKind): JsonValue {
  if (kind === "MappingNode") return {};
  return kind === "SequenceNode" ? [] : "";
}

function mapSlot(map: JsonObject, key: string, created: boolean): Slot {
  return { get: () => map[key] ?? null, set: (v) => setOwn(map, key, v), created };
}

function listSlot(list: JsonValue[], i: number, created: boolean): Slot {
  return {
    get: () => list[i] ?? null,
    set: (v) => {
      list[i] = v;
    },
    created,
  };
}

function detached(node: JsonValue): Slot {
  let value = node;
  return {
    get: () => value,
    set: (v) => {
      value = v;
    },
    created: true,
  };
}
