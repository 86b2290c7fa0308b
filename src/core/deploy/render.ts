/**
 * The deploy record as GitHub shows it: the "Flux deploy" check run on the merged commit and the comment on
 * the merged pull request. Every text from Flux (names, reasons, messages) goes through the report's
 * Markdown escaping, and messages are redacted first: the API server echoes invalid values, and a Secret's
 * value must never reach GitHub.
 */
import { clip, mdCode, mdInline } from "../report/markdown.ts";
import { maskCredentials } from "../secrets/mask.ts";
import { type DeployRecord, type DeployTarget, deployStatus, short, targetLabel } from "./tracking.ts";

export const DEPLOY_CHECK_NAME = "Flux deploy";
/** First line of the comment on a merged pull request (with the commit, so each merge has its own). */
export const DEPLOY_COMMENT_MARKER = "<!-- flux-impact:deploy -->";

const MESSAGE_MAX = 300;

/**
 * What only Flux's messages carry, masked after the shared credential masking (tokens, keys, URL
 * passwords: secrets/mask.ts).
 */
const REDACTIONS: ReadonlyArray<[RegExp, string]> = [
  // `Invalid value: "…"` / `invalid value: '…'` — the API server quotes the value it refused.
  [/(invalid value:\s*)("(?:[^"\\]|\\.)*"|'[^']*'|\S+)/gi, '$1"[redacted]"'],
  // `password=…`, `token: …` and the like in connection strings and logs.
  [
    /\b((?:password|passwd|secret|token|apikey|api_key)\s*[=:]\s*)(?!invalid value|\[|<redacted)("[^"]*"|'[^']*'|[^\s,;]+)/gi,
    "$1[redacted]",
  ],
];

/** A Flux message safe to show: values the API server echoes and anything shaped like a credential masked. */
export function redactEventMessage(message: string): string {
  // The shared masking first (fingerprints, as everywhere else), then what only events carry.
  let out = maskCredentials(message);
  for (const [re, to] of REDACTIONS) out = out.replace(re, to);
  return out;
}

const STATE_TEXT: Record<DeployTarget["state"], string> = {
  pending: "⏳ no event yet",
  progressing: "🔄 in progress",
  reconciled: "✅ reconciled",
  failed: "❌ failed",
};

export function minutesBetween(from: string, to: string): string {
  const ms = Math.max(0, Date.parse(to) - Date.parse(from));
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  return `${Math.round(ms / 60_000)} min`;
}

function lastEventAt(record: DeployRecord): string | undefined {
  let last: string | undefined;
  for (const t of record.targets) if (t.at && (!last || Date.parse(t.at) > Date.parse(last))) last = t.at;
  return last;
}

/** An object's label: the cluster named only when the repository has several. */
function label(record: DeployRecord, t: DeployTarget): string {
  return targetLabel(record.clusters.length > 1 ? t : { ...t, cluster: "" });
}

function where(record: DeployRecord): string {
  const named = record.clusters.filter((c) => c !== "");
  return named.length ? named.map((c) => mdCode(c)).join(", ") : mdCode(record.branch);
}

/** The one-line outcome: "deployed to `main`: 5 of 5 reconciled in 3 min" / "`media/immich` failed: …". */
export function deployHeadline(record: DeployRecord, now: string): string {
  const s = deployStatus(record, now);
  const total = record.targets.length;
  const done = record.targets.filter((t) => t.state === "reconciled").length;
  if (s.status === "in_progress")
    return `deploying to ${where(record)}: ${done} of ${total} reconciled so far`;
  if (s.conclusion === "failure") {
    const failed = record.targets.filter((t) => t.state === "failed");
    const first = failed.sort((a, b) => Date.parse(a.at ?? "") - Date.parse(b.at ?? ""))[0]!;
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : "";
    return `${mdCode(label(record, first))} failed${more}: ${mdInline(clip(redactEventMessage(first.message ?? first.reason ?? ""), MESSAGE_MAX))}`;
  }
  const took = minutesBetween(record.pushedAt, lastEventAt(record) ?? now);
  if (s.conclusion === "success")
    return `deployed to ${where(record)}: ${done} of ${total} reconciled in ${took}`;
  const silent = total - done - record.targets.filter((t) => t.state === "failed").length;
  return `deploy to ${where(record)} not confirmed: ${done} of ${total} reconciled, ${silent} silent after ${minutesBetween(record.pushedAt, record.deadline)}`;
}

function table(record: DeployRecord): string[] {
  const rows = [...record.targets].sort(
    (a, b) => order(a) - order(b) || label(record, a).localeCompare(label(record, b)),
  );
  const lines = ["| Object | State | Since push | Flux says |", "| --- | --- | --- | --- |"];
  for (const t of rows) {
    const since = t.at ? minutesBetween(record.pushedAt, t.at) : "—";
    const says = t.message
      ? `${mdInline(t.reason ?? "")}: ${mdInline(clip(redactEventMessage(t.message), MESSAGE_MAX).replace(/\s*\n\s*/g, " "))}`
      : "—";
    lines.push(
      `| ${mdCode(label(record, t), { table: true })} | ${STATE_TEXT[t.state]} | ${since} | ${says} |`,
    );
  }
  return lines;
}

function order(t: DeployTarget): number {
  return { failed: 0, progressing: 1, pending: 2, reconciled: 3 }[t.state];
}

function notes(record: DeployRecord): string[] {
  const out: string[] = [];
  if (record.unseen.length) {
    out.push("", "Not tracked — flux-impact cannot see into these, so their deploy is unknown:");
    for (const u of record.unseen.slice(0, 20)) out.push(`- ${mdInline(u)}`);
    if (record.unseen.length > 20) out.push(`- … and ${record.unseen.length - 20} more`);
  }
  out.push(
    "",
    `Tracked from Flux's events: a Kustomization counts when it reconciled at ${mdCode(short(record.sha))} or a later commit of ${mdCode(record.branch)}; a HelmRelease when its release succeeded after the push. Objects still silent at the deadline (${minutesBetween(record.pushedAt, record.deadline)} after the push) are listed, not assumed deployed.`,
  );
  return out;
}

export interface DeployCheckRun {
  status: "in_progress" | "completed";
  conclusion?: "success" | "failure" | "neutral";
  title: string;
  summary: string;
}

export function renderDeployCheckRun(record: DeployRecord, now: string): DeployCheckRun {
  const s = deployStatus(record, now);
  const headline = deployHeadline(record, now);
  const title = clip(headline.replace(/`/g, ""), 200);
  const summary = [
    `**${headline.charAt(0).toUpperCase()}${headline.slice(1)}**`,
    "",
    ...table(record),
    ...notes(record),
  ].join("\n");
  return s.status === "completed"
    ? { status: "completed", conclusion: s.conclusion, title, summary: clip(summary, 60_000) }
    : { status: "in_progress", title, summary: clip(summary, 60_000) };
}

/** The comment on the merged pull request: the outcome, then the objects in a collapsed table. */
export function renderDeployComment(record: DeployRecord, now: string): string {
  const s = deployStatus(record, now);
  const icon =
    s.status === "in_progress"
      ? "🔄"
      : s.conclusion === "success"
        ? "✅"
        : s.conclusion === "failure"
          ? "❌"
          : "⚠️";
  const headline = deployHeadline(record, now);
  return clip(
    [
      `${DEPLOY_COMMENT_MARKER}`,
      `${icon} **Flux deploy of ${mdCode(short(record.sha))}**: ${headline}`,
      "",
      "<details><summary>Objects this merge changes</summary>",
      "",
      ...table(record),
      ...notes(record),
      "",
      "</details>",
    ].join("\n"),
    60_000,
  );
}
