/**
 * Go (RE2) regular expressions, for SOPS's `encrypted_regex`/`unencrypted_regex` and `.sops.yaml`
 * `path_regex`, evaluated by re2js (the JavaScript port of RE2): Go's syntax as written — inline flags
 * anywhere (`((?i)(pass|key))`), `(?P<name>…)`, `\z`, `\Q…\E`, POSIX classes — and linear-time matching,
 * which matters because a file's own `sops` metadata is written by whoever opens the pull request.
 *
 * A pattern RE2 refuses (look-around, back-references, malformed input) is `{ ok: false, reason }`:
 * callers treat it as "unknown", never as "matches everything".
 */
import { RE2JS } from "re2js";

/** What the SOPS rules need of a compiled pattern. */
export interface GoRegex {
  test(input: string): boolean;
}

export type Re2Result = { ok: true; regex: GoRegex } | { ok: false; reason: string };

const MAX_SOURCE = 4096;

/** Compile a Go regexp; `{ ok: false, reason }` when RE2 does not accept it. */
export function translateRe2(source: string): Re2Result {
  if (source.length > MAX_SOURCE) return { ok: false, reason: "pattern too long" };
  try {
    const pattern = RE2JS.compile(source);
    return { ok: true, regex: { test: (input) => pattern.matcher(input).find() } };
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^error parsing regexp: /, "") : "";
    const reason = message.split("`")[0]?.trim().replace(/:$/, "");
    return { ok: false, reason: reason || "not a valid Go regular expression" };
  }
}
