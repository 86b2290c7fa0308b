/**
 * Small formatting helpers shared by the section renderers: names as code spans (clipped), counted
 * lists with "and N more", plurals, file links, and the wording of why an object is affected. Every
 * piece of data passes through the escaping layer (`../markdown.ts`) here or in the section itself.
 */
import type { ImpactReport, Reason, RevisionInfo } from "../../impact/types.ts";
import { clip, fileUrl, mdCode, mdInline, mdLink } from "../markdown.ts";

export interface RenderContext {
  report: ImpactReport;
  base: RevisionInfo;
  head: RevisionInfo;
  /**
   * "comment": findings already on the base branch are one line of counts (those on files the change
   * touches excepted), since the check run lists them all. Default: every finding is listed.
   */
  surface?: "comment" | "check-run";
  /** The check run's page, linked from the comment. */
  checkRunUrl?: string | undefined;
}

/** Longest name, path or value shown (UTF-16 units); longer ones are clipped with "…". */
export const NAME_MAX = 200;
export const VALUE_MAX = 80;

/** A name, path or value as an inline code span (pipes escaped for table cells). */
export function code(text: string, table = false, max = NAME_MAX): string {
  return mdCode(clip(text, max), { table });
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? word : many}`;
}

/** "`a`, `b` and 3 more": at most `max` items, each already rendered. */
export function countedList(items: readonly string[], max: number): string {
  if (items.length <= max) return joinAnd(items);
  return `${items.slice(0, max).join(", ")} and ${(items.length - max).toLocaleString("en-US")} more`;
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "Kind `ns/name`" from a "Kind ns/name" text (object display, source reference); code span otherwise. */
export function refMarkdown(text: string, table = false): string {
  const m = /^([A-Za-z][A-Za-z0-9]*) (\S.*)$/.exec(text);
  return m ? `${m[1]} ${code(m[2]!, table)}` : code(text, table);
}

/** The file (and line) as a link into the head revision when its blob URL is known, plain text otherwise. */
export function fileLink(path: string, line: number | undefined, head: RevisionInfo): string {
  const label = clip(path, NAME_MAX) + (line !== undefined ? `:${line}` : "");
  return mdLink(label, fileUrl(head.blobUrl, path, line));
}

/** A reason as words and code pieces: one wording for Markdown and for plain text. */
export type ReasonPart = string | { code: string } | { ref: string };

export function reasonParts(r: Reason): ReasonPart[] {
  switch (r.kind) {
    case "file":
      return r.renamedTo !== undefined
        ? ["reads ", { code: r.file }, " (renamed to ", { code: r.renamedTo }, ")"]
        : ["reads ", { code: r.file }, ` (${r.status})`];
    case "definition":
      return [
        "changes ",
        ...r.fields.flatMap((f, i): ReasonPart[] => (i === 0 ? [{ code: f }] : [", ", { code: f }])),
        " in ",
        { code: r.file },
      ];
    case "variables":
      return [
        r.names.length === 1 ? "variable " : "variables ",
        ...r.names.flatMap((n, i): ReasonPart[] => (i === 0 ? [{ code: n }] : [", ", { code: n }])),
        " changed",
        ...(r.sources.length > 0
          ? [
              " (from ",
              ...r.sources.flatMap((s, i): ReasonPart[] => (i === 0 ? [{ ref: s }] : [", ", { ref: s }])),
              ")",
            ]
          : []),
      ];
    case "values-source":
      return ["values from ", { ref: r.source }, " changed"];
    case "chart-source":
      return ["chart source ", { ref: r.source }, " changed"];
    case "parent":
      return ["applied by Kustomization ", { code: r.parent }];
    case "disabled":
      return ["disabled by ", { code: r.file }];
    case "removed-from-parent":
      return [
        "no longer applied by Kustomization ",
        { code: r.parent },
        ...(r.file === undefined
          ? []
          : r.renamedTo === undefined
            ? ([": ", { code: r.file }, " was removed"] as ReasonPart[])
            : ([": ", { code: r.file }, " was renamed to ", { code: r.renamedTo }] as ReasonPart[])),
      ];
    case "build":
      return [r.state === "fails" ? "its build fails at head" : "its build succeeds again at head"];
  }
}

export function reasonMarkdown(r: Reason, table = false): string {
  return reasonParts(r)
    .map((p) =>
      typeof p === "string" ? mdInline(p) : "code" in p ? code(p.code, table) : refMarkdown(p.ref, table),
    )
    .join("");
}

export function reasonPlain(r: Reason): string {
  return reasonParts(r)
    .map((p) => (typeof p === "string" ? p : "code" in p ? p.code : p.ref))
    .join("");
}

/** "1a2b3c4" for a full commit SHA, the ref itself otherwise — as a code span. */
export function revisionMarkdown(rev: RevisionInfo): string {
  return code(/^[0-9a-f]{40}$/i.test(rev.ref) ? rev.ref.slice(0, 7) : rev.ref);
}
