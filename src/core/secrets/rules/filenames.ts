/**
 * S10 and S11: rules on file names, applied to every file whatever its content (even empty or binary).
 *   S10 (error): the runbook's `github-deploy.key` / `github-push-token.txt`, basename compared after
 *   NFKC normalization and case folding, anywhere in the tree.
 *   S11 (warning): names that suggest a key or credential: `*.agekey`, `keys.txt` holding an age secret
 *   key, `id_rsa` / `id_ed25519` / `id_ecdsa` (not their `.pub`), `*.p12`, `*.pfx`, `.env`, and `*.pem`
 *   holding a private key (S6). Content conditions are passed in by the caller (the S6/S7 results).
 */
import { basename } from "../../snapshot/paths.ts";
import type { RawFinding } from "./common.ts";

const RUNBOOK_FILES = new Set(["github-deploy.key", "github-push-token.txt"]);
const SSH_KEY_NAMES = new Set(["id_rsa", "id_ed25519", "id_ecdsa", "id_dsa"]);

export function normalizedBasename(path: string): string {
  return basename(path).normalize("NFKC").toLowerCase();
}

export interface FileFacts {
  size: number;
  /** The file holds an S6 private key. */
  hasPrivateKey: boolean;
  /** The file holds an S7 age secret key. */
  hasAgeKey: boolean;
}

export function scanFilename(path: string, facts: FileFacts): RawFinding[] {
  const name = normalizedBasename(path);
  if (RUNBOOK_FILES.has(name)) {
    return [
      {
        code: "secret-runbook-file",
        severity: "error",
        message: `Runbook credential file "${name}" is committed (${facts.size} bytes); it must stay local and git-ignored`,
        line: 1,
        secret: name,
      },
    ];
  }
  const why = suspicion(name, facts);
  if (!why) return [];
  return [
    {
      code: "secret-suspicious-file",
      severity: "warning",
      message: `File name suggests a credential: ${why}`,
      line: 1,
      secret: name,
    },
  ];
}

function suspicion(name: string, facts: FileFacts): string | undefined {
  if (name.endsWith(".agekey")) return "an age key file (*.agekey)";
  if (name === "keys.txt" && facts.hasAgeKey) return "an age key file (keys.txt with an age secret key)";
  if (SSH_KEY_NAMES.has(name)) return `an SSH private key file (${name})`;
  if (name.endsWith(".p12") || name.endsWith(".pfx")) return "a PKCS#12 key store (*.p12, *.pfx)";
  if (name === ".env") return "a dotenv file (.env)";
  if (name.endsWith(".pem") && facts.hasPrivateKey) return "a PEM file holding a private key";
  return undefined;
}
