/**
 * The stale-service sweep: which disabled services are stale (disabled longer than `stale.days`, the
 * clock being git history — when the `.dis` path was created — never issue activity), and what to do
 * with the App's issues about them:
 *
 * - stale, no issue → open one (at most `maxIssuesPerRun` opens and reopens per run, the longest-disabled
 *   first; the rest wait for the next run);
 * - an open issue → nothing (its title is not rewritten every day: no notification noise);
 * - closed as "not planned" → snoozed for good: never reopened for that service;
 * - closed as "completed" while the file still exists → reopened once, saying why; closed again → snoozed;
 * - closed before the service was disabled again (a new episode) → a new issue;
 * - the `.dis` file gone (deleted, or renamed back) → the open issue is closed with a comment;
 * - two open issues for one service (a race between instances) → the younger is closed as a duplicate.
 *
 * Pure: the adapter supplies history, issues, the clock and file existence.
 */
import type { AppConfig } from "../config/schema.ts";
import { ageInDays } from "../flux/disabled-manifests.ts";
import { fileUrl, mdCode, mdInline, mdLink } from "../report/markdown.ts";
import {
  type BotIssue,
  duplicateActions,
  type IssueAction,
  issueLabels,
  issueMarker,
  issuesByKey,
  withMarker,
} from "./bot-issues.ts";
import type { DisabledService } from "./disabled-services.ts";

/** The commit that created a `.dis` path. */
export interface DisabledCommit {
  /** ISO date. */
  date: string;
  commit: string;
  author?: string | undefined;
  /** The author's GitHub login, when known. */
  login?: string | undefined;
  url?: string | undefined;
}

export interface ServiceAge extends DisabledService {
  since?: DisabledCommit;
  days?: number;
  stale: boolean;
  /** Number of the App's open issue about it. */
  issue?: number;
}

export interface SweepInput {
  services: readonly DisabledService[];
  history: Readonly<Record<string, DisabledCommit | undefined>>;
  issues: readonly BotIssue[];
  config: AppConfig["stale"];
  now: string;
  /** True when a path exists at the swept revision (tells "re-enabled" from "deleted"). */
  exists: (path: string) => boolean;
  /** `https://github.com/o/r/blob/<sha>` for links. */
  blobUrl?: string;
}

export interface SweepPlan {
  services: ServiceAge[];
  actions: IssueAction[];
  /** Stale services left for a later run by the per-run cap. */
  deferred: string[];
  /** Stale services not reopened because a maintainer closed their issue. */
  snoozed: string[];
}

export function serviceAges(
  services: readonly DisabledService[],
  history: SweepInput["history"],
  now: string,
  threshold: number,
): ServiceAge[] {
  return services.map((s) => {
    const since = history[s.file];
    const days = since ? ageInDays(since.date, now) : undefined;
    return {
      ...s,
      ...(since ? { since } : {}),
      ...(days !== undefined ? { days } : {}),
      stale: days !== undefined && days >= threshold,
    };
  });
}

export function planStaleSweep(input: SweepInput): SweepPlan {
  const services = serviceAges(input.services, input.history, input.now, input.config.days);
  const byKey = issuesByKey(input.issues, "stale");
  const actions: IssueAction[] = [];
  const wanted: Array<{ service: ServiceAge; action: IssueAction }> = [];
  const snoozed: string[] = [];

  for (const service of services) {
    const list = byKey.get(service.file) ?? [];
    const { keep, close } = duplicateActions(list);
    actions.push(...close);
    if (keep) {
      service.issue = keep.number;
      continue;
    }
    if (!service.stale) continue;
    const latest = list[0];
    const newEpisode =
      latest?.closedAt && service.since && Date.parse(latest.closedAt) < Date.parse(service.since.date);
    if (latest && !newEpisode) {
      if (latest.stateReason === "completed" && latest.marker.fields.reopened !== "1") {
        wanted.push({
          service,
          action: {
            kind: "reopen",
            number: latest.number,
            comment: reopenComment(service),
            body: withMarker(latest.body, issueMarker("stale", service.file, { reopened: 1 })),
          },
        });
      } else snoozed.push(service.file);
      continue;
    }
    const title = staleTitle(service);
    wanted.push({
      service,
      action: {
        kind: "open",
        about: "stale",
        key: service.file,
        title,
        body: staleBody(service, input),
        labels: issueLabels(input.config.labels),
      },
    });
  }

  // The longest-disabled first; the cap bounds opens and reopens together.
  wanted.sort(
    (a, b) => (b.service.days ?? 0) - (a.service.days ?? 0) || (a.service.file < b.service.file ? -1 : 1),
  );
  const now = wanted.slice(0, input.config.maxIssuesPerRun);
  actions.push(...now.map((w) => w.action));
  const deferred = wanted.slice(input.config.maxIssuesPerRun).map((w) => w.service.file);

  // Issues whose service is gone: the `.dis` file was deleted or renamed back.
  const present = new Set(services.map((s) => s.file));
  for (const [key, list] of byKey) {
    if (present.has(key)) continue;
    const { keep, close } = duplicateActions(list);
    actions.push(...close);
    if (!keep) continue;
    actions.push({
      kind: "close",
      number: keep.number,
      comment: goneComment(key, input.exists),
      reason: "completed",
    });
  }
  return { services, actions, deferred, snoozed };
}

export function staleTitle(s: ServiceAge): string {
  const name = s.kustomizations.length === 1 ? s.kustomizations[0]!.key.split("/")[1] : undefined;
  const ns = s.dir.split("/").at(-2);
  const label = name && ns ? `${ns}/${name}` : s.dir || s.file;
  return `Stale disabled service: ${label} (disabled ${s.days ?? "?"} days)`;
}

function list(items: readonly string[], empty: string): string {
  return items.length ? items.map((i) => `- ${i}`).join("\n") : `- ${empty}`;
}

export function staleBody(s: ServiceAge, input: Pick<SweepInput, "blobUrl" | "config">): string {
  const at = (path: string) => mdLink(path, fileUrl(input.blobUrl, path));
  const since = s.since
    ? `Disabled ${s.days} days ago, on ${s.since.date.slice(0, 10)}, by ${who(s.since)} in ${mdLink(s.since.commit.slice(0, 7), s.since.url)}.`
    : "When it was disabled is unknown (no git history for the file).";
  const deploys = [
    ...s.kustomizations.map((k) => `Flux Kustomization ${mdCode(k.key)} (path ${mdCode(k.path || ".")})`),
    ...s.helmReleases.map(
      (h) =>
        `HelmRelease ${mdCode(h.key)}: chart ${mdCode(h.chart)}${h.version ? ` version ${mdCode(h.version)}` : ""}`,
    ),
  ];
  const parentDir = s.parentKustomization?.slice(0, s.parentKustomization.lastIndexOf("/"));
  const entry = parentDir !== undefined ? `./${s.enabledFile.slice(parentDir.length + 1)}` : undefined;
  const listAgain =
    s.parentKustomization && entry && !s.listedAs
      ? ` and list ${mdCode(entry)} again under \`resources:\` in ${at(s.parentKustomization)}`
      : "";
  const dropEntry =
    s.parentKustomization && s.listedAs
      ? ` and the ${mdCode(s.listedAs)} entry in ${at(s.parentKustomization)}`
      : "";
  const broken =
    s.parentKustomization && s.listedAs
      ? `\n> [!WARNING]\n> ${at(s.parentKustomization)} still lists ${mdCode(s.listedAs)}: its build fails until one of these is done.`
      : "";
  return [
    issueMarker("stale", s.file),
    `The service in ${at(s.file)} has been switched off (renamed to \`.dis\`) for **${s.days ?? "?"} days**, longer than the ${input.config.days}-day threshold. Nobody has decided yet whether it goes or comes back.`,
    "",
    since,
    "",
    "### What it would deploy",
    list(deploys, "no Flux objects could be rendered from it"),
    s.namespaces.length ? `\nNamespaces: ${s.namespaces.map((n) => mdCode(n)).join(", ")}` : "",
    "",
    "### What waits for it",
    list(
      s.dependents.map((d) => mdInline(d)),
      "nothing in the active tree dependsOn it",
    ),
    "",
    "### Two ways out",
    `1. **Delete it**: remove the folder ${mdCode(`${s.dir}/`)}${dropEntry}${s.dependents.length ? `, and the \`dependsOn\` entries that name it` : ""}.`,
    `2. **Re-enable it**: rename ${mdCode(s.file)} back to ${mdCode(s.enabledFile)}${listAgain}.`,
    broken,
    "",
    "Either way this issue closes itself once the `.dis` file is gone. Closing it as *not planned* keeps the service disabled without further reminders.",
  ]
    .filter((line, i, all) => !(line === "" && all[i - 1] === ""))
    .join("\n");
}

/** The author as a profile link (no @-mention: nobody is pinged by a sweep), else their git name. */
function who(since: DisabledCommit): string {
  const login = since.login?.replace(/\[bot\]$/, "");
  if (login && /^[A-Za-z0-9-]{1,39}$/.test(login)) return mdLink(login, `https://github.com/${login}`);
  return mdInline(since.author ?? "unknown");
}

function reopenComment(s: ServiceAge): string {
  return `Reopening: this issue was closed as completed, but ${mdCode(s.file)} is still there (disabled ${s.days ?? "?"} days). Delete the folder or rename the file back to ${mdCode(s.enabledFile)} and this issue closes itself; close it as *not planned* to keep the service disabled without reminders. It will not be reopened again.`;
}

function goneComment(file: string, exists: (path: string) => boolean): string {
  const base = file.replace(/\.dis$/, "");
  const enabled = /\.ya?ml$/.test(base) ? base : `${base}.yaml`;
  const how = exists(enabled) ? `re-enabled (${mdCode(enabled)} is back)` : "deleted";
  return `${mdCode(file)} is gone: the service was ${how}. Closing.`;
}
