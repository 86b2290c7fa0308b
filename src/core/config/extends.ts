/**
 * Shared configuration, as Probot apps know it: a repository's `.github/flux-impact.yml` may hold
 * `_extends: other-repo` (same owner), `owner/other-repo`, or either followed by `:path/to/file.yml`, to
 * start from that file. The repository's own settings win field by field (mappings merge, lists and
 * scalars replace). One level only: an `_extends` inside the extended file is ignored. Without its own
 * file, a repository uses the owner's `.github` repository's file (the adapter reads both).
 *
 * Pure: the adapter fetches the texts and passes them in.
 */
import { readYamlDocuments } from "../yaml/read-documents.ts";
import {
  CONFIG_FILE,
  type ConfigIssue,
  type ParsedConfig,
  parseConfig,
  parseConfigText,
} from "./parse-config.ts";

export interface ExtendsTarget {
  owner: string;
  repo: string;
  path: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Where `_extends` points, or an issue when it is malformed. `undefined` when the text has no `_extends`
 * (or is not a mapping — `parseConfigText` reports that).
 */
export function extendsTarget(
  text: string,
  owner: string,
): { target: ExtendsTarget } | { issue: ConfigIssue } | undefined {
  const value = firstDocument(text);
  if (!isPlainObject(value) || !Object.hasOwn(value, "_extends")) return undefined;
  const raw = value._extends;
  const bad = {
    issue: {
      path: "_extends",
      message: `must be "repo", "owner/repo" or either followed by ":path" (got ${JSON.stringify(raw)}); ignored`,
    },
  };
  if (typeof raw !== "string") return bad;
  const [repoPart = "", ...pathParts] = raw.trim().split(":");
  const path = pathParts.join(":") || CONFIG_FILE;
  const names = repoPart.split("/");
  const [first = "", second] = names;
  const target =
    names.length === 1
      ? { owner, repo: first }
      : names.length === 2
        ? { owner: first, repo: second ?? "" }
        : undefined;
  if (!target || !NAME.test(target.owner) || !NAME.test(target.repo)) return bad;
  if (path.startsWith("/") || path.split("/").includes("..")) return bad;
  return { target: { ...target, path } };
}

/**
 * The configuration of `own` on top of the extended file's text (`undefined`: it could not be read, said
 * by `missing`). Issues of the extended file are reported with its name.
 */
export function extendedConfig(
  own: string,
  extended: { text: string | undefined; name: string; missing?: string },
): ParsedConfig {
  if (extended.text === undefined) {
    const parsed = parseConfigText(own);
    const why = extended.missing ?? "it was not found";
    return {
      config: parsed.config,
      issues: [
        {
          path: "_extends",
          message: `${extended.name} could not be read (${why}); only this file's settings are used`,
        },
        ...parsed.issues,
      ],
    };
  }
  const base = parseConfigText(extended.text, extended.name);
  const ownParsed = parseConfigText(own);
  const baseValue = firstDocument(extended.text);
  const ownValue = firstDocument(own);
  // Invalid fields fall back field by field, as in one file.
  const merged = parseConfig(
    mergeSettings(isPlainObject(baseValue) ? withoutExtends(baseValue) : {}, ownValue),
  );
  // Problems are reported where they are: the extended file's own (named), then this file's (with lines).
  const baseIssues = base.issues.map((i) => ({
    ...i,
    path: i.path ? `${extended.name} ${i.path}` : extended.name,
  }));
  return { config: merged.config, issues: [...baseIssues, ...ownParsed.issues] };
}

/** Mappings merge key by key (the override wins), anything else is replaced. */
export function mergeSettings(base: unknown, override: unknown): unknown {
  if (!isPlainObject(override)) return override ?? base;
  if (!isPlainObject(base)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = mergeSettings(base[key], value);
  return out;
}

function withoutExtends(value: Record<string, unknown>): Record<string, unknown> {
  const { _extends: _, ...rest } = value;
  return rest;
}

function firstDocument(text: string): unknown {
  const read = readYamlDocuments(text, CONFIG_FILE);
  return read.ok ? read.documents[0]?.value : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
