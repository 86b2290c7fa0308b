/**
 * The issues the App maintains, and what it may do to them. Each issue's body starts with a hidden
 * marker naming what it is about — a stale service (`stale`, keyed by the `.dis` path), a failing
 * workflow (`workflow`, keyed by its file path), a failing Flux object (`flux`, keyed by cluster, kind and
 * name) or the dashboard — plus a little state (`reopened`,
 * `failures`, `run`). The GitHub layer lists the App's issues (its `flux-impact` label, and only those
 * the App wrote: a marker alone can be planted by anyone) and applies the actions the planners return.
 * Keys are percent-encoded, so nothing from the repository can end the HTML comment.
 */

export type IssueKind = "stale" | "workflow" | "dashboard" | "flux";

/** The label every issue of the App carries; the GitHub layer lists issues by it. */
export const BOT_LABEL = "flux-impact";

export interface BotIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  /** Why it was closed (GitHub's stateReason, lower case). */
  stateReason?: "completed" | "not_planned" | "duplicate" | "reopened" | null | undefined;
  createdAt?: string | undefined;
  closedAt?: string | null | undefined;
  url?: string | undefined;
}

export interface IssueMarker {
  kind: IssueKind;
  key: string;
  /** Other fields (`reopened=1`, `failures=3`, `run=123.1`). */
  fields: Record<string, string>;
}

export type IssueAction =
  | { kind: "open"; about: IssueKind; key: string; title: string; body: string; labels: string[] }
  | { kind: "update"; number: number; title?: string; body: string }
  | {
      kind: "comment";
      number: number;
      body: string /** New body (state in the marker), when it changes. */;
      updateBody?: string;
    }
  | {
      kind: "close";
      number: number;
      comment: string;
      reason: "completed" | "not_planned";
      /** New body, written with the close (a duplicate's marker gets `duplicate=1`). */
      body?: string;
    }
  | { kind: "reopen"; number: number; comment: string; body: string };

const MARKER = /^<!-- flux-impact:(stale|workflow|dashboard|flux)((?: [a-z]+=[A-Za-z0-9%._~/-]*)*) -->$/;

function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The first line of a bot issue's body. */
export function issueMarker(
  kind: IssueKind,
  key: string,
  fields: Record<string, string | number> = {},
): string {
  const extra = Object.entries(fields)
    .map(([k, v]) => ` ${k.replace(/[^a-z]/g, "")}=${encodeKey(String(v))}`)
    .join("");
  return `<!-- flux-impact:${kind} key=${encodeKey(key)}${extra} -->`;
}

export function parseIssueMarker(body: string): IssueMarker | undefined {
  const first = (body.split("\n", 1)[0] ?? "").trim();
  const m = MARKER.exec(first);
  if (!m) return undefined;
  const fields: Record<string, string> = {};
  for (const part of (m[2] ?? "").trim().split(" ")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    try {
      fields[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return undefined;
    }
  }
  const { key = "", ...rest } = fields;
  return { kind: m[1] as IssueKind, key, fields: rest };
}

/** The body with its marker line replaced (state fields updated), the rest untouched. */
export function withMarker(body: string, marker: string): string {
  const newline = body.indexOf("\n");
  return newline === -1 ? marker : `${marker}${body.slice(newline)}`;
}

/** The App's issues about `kind`, grouped by key, newest first; duplicates it closed are left out. */
export function issuesByKey(
  issues: readonly BotIssue[],
  kind: IssueKind,
): Map<string, Array<BotIssue & { marker: IssueMarker }>> {
  const out = new Map<string, Array<BotIssue & { marker: IssueMarker }>>();
  for (const issue of issues) {
    const marker = parseIssueMarker(issue.body);
    if (marker?.kind !== kind || (issue.state === "closed" && marker.fields.duplicate === "1")) continue;
    const list = out.get(marker.key) ?? [];
    list.push({ ...issue, marker });
    out.set(marker.key, list);
  }
  for (const list of out.values()) list.sort((a, b) => b.number - a.number);
  return out;
}

/**
 * Open issues beyond the first (oldest) one for the same key: two sweeps racing on different instances
 * can each open one. They are closed as duplicates of the one kept.
 */
export function duplicateActions<T extends BotIssue & { marker: IssueMarker }>(
  list: readonly T[],
): { keep: T | undefined; close: IssueAction[] } {
  const open = list.filter((i) => i.state === "open").sort((a, b) => a.number - b.number);
  const [keep, ...extra] = open;
  return {
    keep,
    close: extra.map((i) => ({
      kind: "close" as const,
      number: i.number,
      comment: `Duplicate of #${keep!.number} (opened twice by concurrent runs); closing this one.`,
      reason: "not_planned" as const,
      body: withMarker(
        i.body,
        issueMarker(i.marker.kind, i.marker.key, { ...i.marker.fields, duplicate: 1 }),
      ),
    })),
  };
}

/** The labels of a new issue: the configured ones plus the one the App finds its issues by. */
export function issueLabels(configured: readonly string[]): string[] {
  return [...new Set([BOT_LABEL, ...configured])];
}

/** `*` matches any characters; everything else literally. */
export function wildcard(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "s",
  );
  return re.test(text);
}
