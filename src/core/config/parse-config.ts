/**
 * Validates `.github/flux-impact.yml` against the AppConfig schema without ever throwing.
 *
 * Invalid input falls back to the defaults as locally as possible: a bad field takes its default, a bad
 * `rules` entry or `secrets.allowlist` entry is dropped alone, unknown fields are ignored; only a file that
 * is not a mapping (or not YAML) falls back to the defaults as a whole. Every problem becomes a readable
 * per-field issue (`rules.x: must be one of …`), located on its line when the YAML text is known.
 * It does not read files (the adapter or CLI passes the text or the already-parsed value).
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import * as z from "zod";
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import {
  AllowlistEntry,
  AppConfig,
  DiagnosticCodeName,
  LOCKED_LIMIT_CODES,
  LOCKED_SECRET_CODES,
  RuleLevel,
} from "./schema.ts";

export interface ConfigIssue {
  /** Dotted path of the field (`rules.yaml-syntax`, `secrets.allowlist[0].code`); "" for the whole file. */
  path: string;
  message: string;
  /** 1-based line in the configuration file, when parsed from text. */
  line?: number;
}

export interface ParsedConfig {
  config: AppConfig;
  issues: ConfigIssue[];
}

type Key = string | number;
interface LocatedIssue {
  at: Key[];
  message: string;
}

export const CONFIG_FILE = ".github/flux-impact.yml";

export function parseConfig(input: unknown): ParsedConfig {
  const { config, issues } = parseLocated(input);
  return { config, issues: issues.map((i) => ({ path: pathText(i.at), message: i.message })) };
}

export function parseConfigText(text: string | undefined, file: string = CONFIG_FILE): ParsedConfig {
  if (text === undefined) return { config: AppConfig.parse({}), issues: [] };
  const read = readYamlDocuments(text, file);
  const yamlIssues: ConfigIssue[] = read.diagnostics.map((d) => ({
    path: "",
    message: d.code === "yaml-unknown-tag" ? d.message : `not valid YAML, defaults are used: ${d.message}`,
    ...(d.line !== undefined ? { line: d.line } : {}),
  }));
  if (!read.ok) return { config: AppConfig.parse({}), issues: yamlIssues };
  const [first, ...rest] = read.documents;
  for (const extra of rest) {
    yamlIssues.push({
      path: "",
      message: `holds more than one YAML document; only the first is used`,
      line: extra.line,
    });
  }
  const { config, issues } = parseLocated(first?.value);
  if (issues.length === 0) return { config, issues: yamlIssues };
  const locate = locator(text);
  const located = issues.map((i): ConfigIssue => {
    const line = locate(i.at);
    return { path: pathText(i.at), message: i.message, ...(line !== undefined ? { line } : {}) };
  });
  located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { config, issues: [...yamlIssues, ...located] };
}

/** `config-invalid` diagnostics, one per issue, in the configuration file. */
/** The configuration a revision carries (`.github/flux-impact.yml`; defaults when absent). */
export function configOfSnapshot(snapshot: RepoSnapshot): ParsedConfig {
  const text = snapshot.readText(CONFIG_FILE);
  return parseConfigText(text.ok ? text.text : undefined, CONFIG_FILE);
}

export function configDiagnostics(issues: readonly ConfigIssue[], file: string = CONFIG_FILE): Diagnostic[] {
  return issues.map((i) =>
    diagnostic("config-invalid", i.path ? `${i.path}: ${i.message}` : i.message, { file, line: i.line }),
  );
}

function parseLocated(input: unknown): { config: AppConfig; issues: LocatedIssue[] } {
  const issues: LocatedIssue[] = [];
  if (input === undefined || input === null) return { config: AppConfig.parse({}), issues };
  if (!isPlainObject(input)) {
    issues.push({ at: [], message: `must be a mapping of settings (got ${show(input)}); defaults are used` });
    return { config: AppConfig.parse({}), issues };
  }
  const value = parseObject(AppConfig, input, [], issues);
  // Every field was validated (or replaced by its default) above, so this cannot fail.
  return { config: AppConfig.parse(value), issues };
}

/** Field by field: a valid field is kept, an invalid one takes its default, unknown keys are reported. */
function parseObject(
  schema: z.ZodObject,
  input: Record<string, unknown>,
  at: Key[],
  issues: LocatedIssue[],
): Record<string, unknown> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    // `_extends` (shared configuration) is resolved by the adapter, see extends.ts.
    if (!Object.hasOwn(shape, key) && !(at.length === 0 && key === "_extends"))
      issues.push({ at: [...at, key], message: unknownField(Object.keys(shape)) });
  }
  for (const [key, field] of Object.entries(shape)) {
    const value = Object.hasOwn(input, key) ? input[key] : undefined;
    const here = [...at, key];
    // An empty YAML value (`ignore:`) means "not set", like an absent key.
    if (value === undefined || value === null) continue;
    const inner = field instanceof z.ZodDefault ? field.unwrap() : field;
    if (pathText(here) === "rules") out[key] = parseRules(value, here, issues);
    else if (pathText(here) === "secrets.allowlist") out[key] = parseAllowlist(value, here, issues);
    else if (inner instanceof z.ZodObject && isPlainObject(value))
      out[key] = parseObject(inner, value, here, issues);
    else {
      const result = field.safeParse(value, { reportInput: true });
      if (result.success) out[key] = result.data;
      else issues.push(...zodIssues(result.error, here));
    }
  }
  return out;
}

function parseRules(value: unknown, at: Key[], issues: LocatedIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(value)) {
    issues.push({ at, message: `must be a mapping of diagnostic code to level (got ${show(value)})` });
    return out;
  }
  for (const [code, level] of Object.entries(value)) {
    const here = [...at, code];
    if (!DiagnosticCodeName.safeParse(code).success)
      issues.push({ at: here, message: `unknown diagnostic code ${JSON.stringify(code)}` });
    else if ((LOCKED_SECRET_CODES as readonly string[]).includes(code))
      issues.push({ at: here, message: "committed-credential rules (S1–S10) cannot be changed" });
    else if ((LOCKED_LIMIT_CODES as readonly string[]).includes(code))
      issues.push({
        at: here,
        message: "the engine's limits cannot be changed: content flux-impact cannot analyze never passes",
      });
    else {
      const result = RuleLevel.safeParse(level, { reportInput: true });
      if (result.success) out[code] = result.data;
      else issues.push(...zodIssues(result.error, here));
    }
  }
  return out;
}

function parseAllowlist(value: unknown, at: Key[], issues: LocatedIssue[]): unknown[] {
  if (!Array.isArray(value)) {
    issues.push({ at, message: `must be a list (got ${show(value)})` });
    return [];
  }
  const out: unknown[] = [];
  value.forEach((entry, i) => {
    const result = AllowlistEntry.safeParse(entry, { reportInput: true });
    if (result.success) out.push(result.data);
    else issues.push(...zodIssues(result.error, [...at, i], Object.keys(AllowlistEntry.shape)));
  });
  return out;
}

function zodIssues(error: z.ZodError, at: Key[], known: string[] = []): LocatedIssue[] {
  const out: LocatedIssue[] = [];
  for (const issue of error.issues) {
    const here = [...at, ...issue.path.map((k) => (typeof k === "symbol" ? String(k) : k))];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ at: [...here, key], message: unknownField(known) });
    } else out.push({ at: here, message: issueText(issue) });
  }
  return out;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
};

function issueText(issue: z.core.$ZodIssue): string {
  const got = `(got ${show(issue.input)})`;
  switch (issue.code) {
    case "invalid_type":
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected} ${got}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")} ${got}`;
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) return "must not be empty";
      return `must be at least ${issue.minimum}${issue.origin === "string" ? " characters" : ""} ${got}`;
    case "too_big":
      return `must be at most ${issue.maximum}${issue.origin === "string" ? " characters" : ""} ${got}`;
    case "invalid_format":
    case "custom":
      return typeof issue.input === "object" ? issue.message : `${issue.message} ${got}`;
    default:
      return issue.message;
  }
}

function unknownField(known: string[]): string {
  return `unknown field (expected one of ${known.join(", ")})`;
}

/** A short, safe rendering of a user value for messages. */
function show(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(cut);
  }
  return String(value);
}

function pathText(at: readonly Key[]): string {
  let out = "";
  for (const k of at) out += typeof k === "number" ? `[${k}]` : out === "" ? k : `.${k}`;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Line of the deepest YAML node on `at` (the key's line for mapping entries). */
function locator(text: string): (at: readonly Key[]) => number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, logLevel: "silent" });
  const lineOf = (node: unknown) => {
    const start = (node as Node | null)?.range?.[0];
    return start === undefined ? undefined : lineCounter.linePos(start).line;
  };
  return (at) => {
    let node: unknown = doc.contents;
    let line = lineOf(node);
    for (const key of at) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) break;
        line = lineOf(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof key === "number") {
        node = node.items[key];
        line = lineOf(node) ?? line;
      } else break;
    }
    return line;
  };
}
