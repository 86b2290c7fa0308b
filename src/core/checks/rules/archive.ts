/**
 * What the repository archive and YAML's two dialects can hide from an analysis:
 *
 * - entries of GitHub's archive that were left out (hard links, devices, unsafe or duplicate names) — said,
 *   never read (symlinks are known to the snapshot: a kustomization naming one is told so);
 * - a pull request changing `.gitattributes` export rules (`export-ignore`, `export-subst`, `filter=`):
 *   `git archive` honours them, so files may be missing from what is analyzed (the secret scan still reads
 *   changed files one by one);
 * - values that kustomize (YAML 1.2) reads as strings but YAML 1.1 readers — Flux's post-build
 *   substitution among them — read as booleans (`yes`, `no`, `on`, `off`, `y`, `n`), and `<<` merge keys,
 *   in files a Flux Kustomization builds (one notice per file).
 */
import { type Diagnostic, diagnostic } from "../../diagnostics.ts";
import type { Rule } from "../types.ts";

const SKIPPED_SHOWN = 50;

const REASONS: Record<string, string> = {
  link: "a hard link",
  device: "a device or FIFO",
  "unsafe-name": "a name with a backslash, NUL or empty segment",
  duplicate: "a second entry with the same name",
  absolute: "an absolute path",
  "parent-segment": "a path with `..`",
  "path-too-long": "a path over the length limit",
};

export const archiveSkippedEntries: Rule = {
  name: "archive-skipped-entries",
  codes: ["archive-entry-skipped"],
  when: "always",
  run(ctx) {
    const skipped = ctx.snapshot.skipped();
    const out: Diagnostic[] = skipped
      .slice(0, SKIPPED_SHOWN)
      .map((s) =>
        diagnostic(
          "archive-entry-skipped",
          `The archive entry ${JSON.stringify(s.path)} (${REASONS[s.reason] ?? s.reason}) was left out and never read.`,
          { ref: s.path },
        ),
      );
    if (skipped.length > SKIPPED_SHOWN)
      out.push(
        diagnostic(
          "archive-entry-skipped",
          `${skipped.length - SKIPPED_SHOWN} more archive entries were left out.`,
        ),
      );
    return out;
  },
};

const EXPORT_RULES = /\b(export-ignore|export-subst|filter=)/;

export const archiveExportRules: Rule = {
  name: "archive-export-rules",
  codes: ["archive-export-rules"],
  when: "pull-request",
  run(ctx) {
    const out: Diagnostic[] = [];
    for (const c of ctx.change?.impact.changedFiles ?? []) {
      if (!/(^|\/)\.gitattributes$/.test(c.path) || c.status === "removed") continue;
      const text = ctx.snapshot.readText(c.path);
      if (text.ok && !EXPORT_RULES.test(text.text)) continue;
      out.push(
        diagnostic(
          "archive-export-rules",
          text.ok
            ? `${c.path} sets export rules (export-ignore, export-subst or filter): GitHub's archive of this commit may leave files out, so the impact shown can be incomplete (changed files are still secret-scanned one by one).`
            : `${c.path} changed and is itself left out of GitHub's archive (export-ignore): files may be missing from what was analyzed, so the impact shown can be incomplete (changed files are still secret-scanned one by one).`,
          { file: c.path },
        ),
      );
    }
    return out;
  },
};

const AMBIGUOUS = /^(\s*(?:-\s+)?[^\s#:][^:#]*):\s+(yes|no|on|off|y|n)\s*(#.*)?$/i;
const MERGE_KEY = /^\s*(?:-\s+)?<<\s*:/;
/**
 * Whether any line of a text may match AMBIGUOUS: the same ending (`: yes`, an optional comment, the end of
 * the line), whitespace but line breaks for `\s`. One pass over the text spares the line-by-line test of
 * the files (nearly all) that have none.
 */
const AMBIGUOUS_ENDING = /:[^\S\n]+(?:yes|no|on|off|y|n)[^\S\n]*(?:#.*)?$/im;

export const yamlAmbiguousValues: Rule = {
  name: "yaml-ambiguous-values",
  codes: ["yaml-ambiguous-value"],
  when: "always",
  run(ctx) {
    const files = new Set<string>();
    for (const k of ctx.model.kustomizations) {
      if (!k.build) continue;
      for (const f of k.build.reads) if (/\.ya?ml$/.test(f)) files.add(f);
    }
    const out: Diagnostic[] = [];
    for (const file of [...files].sort()) {
      const text = ctx.snapshot.readText(file);
      if (!text.ok || (!text.text.includes("<<") && !AMBIGUOUS_ENDING.test(text.text))) continue;
      const lines = text.text.split("\n");
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        const merge = MERGE_KEY.test(line);
        const value = merge ? undefined : AMBIGUOUS.exec(line);
        if (!merge && !value) continue;
        out.push(
          diagnostic(
            "yaml-ambiguous-value",
            merge
              ? "A `<<` merge key (a YAML 1.1 feature): kustomize merges it, but the result is easy to misread; prefer writing the keys out."
              : `\`${value![2]}\` is the string "${value![2]}" to kustomize but a boolean to YAML 1.1 readers, Flux's post-build substitution among them; quote it, or write true/false.`,
            { file, line: i + 1 },
          ),
        );
        break; // one per file is enough to point at the habit
      }
    }
    return out;
  },
};
