/**
 * S1–S7 over one text: the credential patterns that need no structure (GitHub tokens, private keys, age
 * keys, AWS key pairs and passwords in URLs). Used on every text file and on base64-decoded Secret values. Structure-aware rules (S8, S9),
 * filename rules (S10, S11) and the heuristic S12 live in their own modules.
 */
import { scanAgeKeys } from "./age-key.ts";
import { scanCloudCredentials } from "./cloud-credentials.ts";
import { LineIndex, type RawFinding } from "./common.ts";
import { scanGithubTokens } from "./github-token.ts";
import { scanPrivateKeys } from "./private-key.ts";

export function scanCredentialText(text: string, lines: LineIndex = new LineIndex(text)): RawFinding[] {
  return [
    ...scanGithubTokens(text, lines),
    ...scanPrivateKeys(text, lines),
    ...scanAgeKeys(text, lines),
    ...scanCloudCredentials(text, lines),
  ];
}
