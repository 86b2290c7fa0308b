/**
 * S7: age secret keys, `AGE-SECRET-KEY-1` followed by 58 characters of the upper-case bech32 alphabet
 * (gitleaks `age.go`). A fixed-width character class: linear on any input.
 *
 * Never flags `age1…` recipients (public keys, found in `.sops.yaml` and SOPS metadata). A key body made
 * of a repeated character (`AGE-SECRET-KEY-1XXXX…`, documentation) is reported as a warning.
 */
import { hasPlaceholderRun, type LineIndex, type RawFinding } from "./common.ts";

const AGE_KEY = /AGE-SECRET-KEY-1([QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})/g;

export function scanAgeKeys(text: string, lines: LineIndex): RawFinding[] {
  const out: RawFinding[] = [];
  if (!text.includes("AGE-SECRET-KEY-1")) return out;
  AGE_KEY.lastIndex = 0;
  for (let m = AGE_KEY.exec(text); m !== null; m = AGE_KEY.exec(text)) {
    const { line, column } = lines.position(m.index);
    const placeholder = hasPlaceholderRun(m[1]!);
    out.push({
      code: "secret-age-key",
      severity: placeholder ? "warning" : "error",
      message: placeholder
        ? "age secret key (AGE-SECRET-KEY-1…) detected, but it looks like a placeholder (repeated-character run)"
        : "age secret key (AGE-SECRET-KEY-1…) detected",
      line,
      column,
      secret: m[0],
      len: m[0].length,
    });
  }
  return out;
}
