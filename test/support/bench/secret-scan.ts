/**
 * The secret-scan section of `npm run bench` (reliability bar §5.2 L8): throughput of `scanSecrets` (all
 * rules) over every file of each real corpus repository (MB/s, target ≥ 20), and each rule alone over
 * 1 MB adversarial inputs — runs of `-----BEGIN`, `ghp_`, age key prefixes, keywords, long base64, many
 * Secret documents — in ms per MB (target ≤ 50). Prints figures and verdicts; asserts nothing.
 */

import {
  LineIndex,
  parseSopsConfig,
  scanAgeKeys,
  scanFilename,
  scanGithubTokens,
  scanHighEntropy,
  scanKubernetesSecrets,
  scanPrivateKeys,
  scanSecretGenerators,
  scanSecrets,
  scanSops,
} from "../../../src/core/secrets/index.ts";
import { realRepoDirs, resolveSharedDir } from "../fs/corpus.ts";
import { readTree } from "../fs/disk-tree.ts";
import { formatMs, median, table, verdict } from "./stats.ts";

const MB = 1024 * 1024;
const REPEAT = 5;
export const SCAN_TARGET_MB_S = 20;
export const RULE_TARGET_MS_PER_MB = 50;

function timeMs(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function fill(unit: string, bytes = MB): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** 1 MB inputs built to make a naive (backtracking) implementation slow. */
export function adversarialInputs(): Array<{ name: string; path: string; text: string }> {
  const begin = "-----BEGIN";
  return [
    { name: "-----BEGIN run (one line)", path: "a.txt", text: fill(begin) },
    { name: "BEGIN…PRIVATE KEY lines, no END", path: "a.txt", text: fill(`${begin} RSA PRIVATE KEY-----\n`) },
    { name: "BEGIN + 100 chars, no KEY", path: "a.txt", text: fill(`${begin} ${"A".repeat(100)}\n`) },
    { name: "ghp_ run (one line)", path: "a.txt", text: fill("ghp_") },
    { name: "ghp_ + 300 word chars", path: "a.txt", text: fill(` ghp_${"a1".repeat(150)}`) },
    { name: "github_pat_ + 254 chars", path: "a.txt", text: fill(` github_pat_${"Z".repeat(254)}`) },
    { name: "AGE-SECRET-KEY-1 run", path: "a.txt", text: fill("AGE-SECRET-KEY-1") },
    { name: "long base64 (one line)", path: "a.txt", text: fill(B64) },
    { name: "base64 Secret data value", path: "s.yaml", text: secretWithData(fill(B64, MB - 200)) },
    { name: "keyword run (one line)", path: "a.txt", text: fill("password token secret ") },
    { name: "keyword: value lines", path: "v.yaml", text: fill("api_key: Zx9#Qw8!Lm7@Kp6$\n") },
    { name: "keyword: placeholder lines", path: "v.yaml", text: fill("  db_token: changeme-changeme\n") },
    { name: "kind: Secret documents", path: "s.yaml", text: fill("---\nkind: Secret\ndata:\n  a: YQ==\n") },
    { name: "--- run", path: "s.yaml", text: fill("---\n") },
    { name: "broken YAML Secret", path: "s.yaml", text: `kind: Secret\ndata:\n${fill("  k: [\n", MB - 30)}` },
    { name: "SOPS file, many leaves", path: "x.sops.yaml", text: sopsFile() },
  ];
}

function secretWithData(value: string): string {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\ndata:\n  blob: ${value}\n`;
}

/**
 * A valid SOPS file of ~1 MB with many encrypted leaves: whole lines only (a leaf cut in half would be a
 * plaintext value, a different case — `sopsFileWithPlainLeaf`).
 */
function sopsFile(): string {
  const enc = "ENC[AES256_GCM,data:QUJD,iv:QUJD,tag:QUJD,type:str]";
  const line = `  k0000000000: ${enc}\n`;
  const count = Math.floor((MB - 400) / line.length);
  const leaves = Array.from(
    { length: count },
    (_, i) => `  k${i.toString(36).padStart(10, "0")}: ${enc}\n`,
  ).join("");
  return `data:\n${leaves}sops:\n  mac: ${enc}\n  age:\n    - recipient: age1x\n`;
}

/** The same file with one plaintext leaf at the end: the rule must parse it to name the key path. */
export function sopsFileWithPlainLeaf(): string {
  return sopsFile().replace(/ {2}k[0-9a-z]{10}: ENC\[[^\]]*\]\nsops:/, "  last: hunter2\nsops:");
}

type Rule = (path: string, text: string) => unknown;

const RULES: Array<[string, Rule]> = [
  ["S1–S5 tokens", (_p, t) => scanGithubTokens(t, new LineIndex(t))],
  ["S6 private keys", (_p, t) => scanPrivateKeys(t, new LineIndex(t))],
  ["S7 age keys", (_p, t) => scanAgeKeys(t, new LineIndex(t))],
  ["S8 Secrets", (_p, t) => scanKubernetesSecrets(t)],
  ["S8 generators", (p, t) => scanSecretGenerators(p, t, () => undefined)],
  ["S9 SOPS", (p, t) => scanSops(p, t, { rules: [] })],
  ["S10/S11 names", (p, t) => scanFilename(p, { size: t.length, hasPrivateKey: true, hasAgeKey: true })],
  ["S12 entropy", (_p, t) => scanHighEntropy(t, new LineIndex(t))],
];

export function secretScanSection(repoRoot: string): void {
  console.log("");
  console.log(
    `== secret scan (L8): all rules over every file (target >= ${SCAN_TARGET_MB_S} MB/s), each rule over 1 MB adversarial inputs (target <= ${RULE_TARGET_MS_PER_MB} ms/MB)`,
  );
  const shared = resolveSharedDir(repoRoot, process.env);
  if (shared.ok) {
    const rows: string[][] = [["repository", "files", "MB", "findings", "scan", "MB/s", "target"]];
    for (const repo of realRepoDirs(shared.dir)) {
      const tree = readTree(repo.dir);
      const files = [...tree.files].map(([path, bytes]) => ({ path, bytes }));
      const mb = files.reduce((n, f) => n + f.bytes.length, 0) / MB;
      const sops = tree.files.get(".sops.yaml");
      const sopsRules = sops ? parseSopsConfig(new TextDecoder().decode(sops)) : [];
      let findings = 0;
      const ms = median(
        Array.from({ length: REPEAT }, () =>
          timeMs(() => {
            findings = scanSecrets({ files, sopsRules }).findings.length;
          }),
        ),
      );
      const rate = mb / (ms / 1000);
      rows.push([
        repo.name,
        String(files.length),
        mb.toFixed(2),
        String(findings),
        formatMs(ms),
        rate.toFixed(1),
        `>= ${SCAN_TARGET_MB_S} MB/s: ${verdict(rate >= SCAN_TARGET_MB_S)}`,
      ]);
    }
    for (const line of table(rows)) console.log(`  ${line}`);
  } else console.log(`  real repositories skipped — ${shared.reason}`);

  const inputs = adversarialInputs();
  const header = ["input (1 MB)", ...RULES.map(([name]) => name), "all (scanSecrets)", "worst rule"];
  const rows: string[][] = [header];
  const encoder = new TextEncoder();
  for (const input of inputs) {
    const mb = input.text.length / MB;
    const perRule = RULES.map(
      ([, rule]) => median(Array.from({ length: 3 }, () => timeMs(() => rule(input.path, input.text)))) / mb,
    );
    const bytes = encoder.encode(input.text);
    const all =
      median(
        Array.from({ length: 3 }, () => timeMs(() => scanSecrets({ files: [{ path: input.path, bytes }] }))),
      ) / mb;
    const worst = Math.max(...perRule);
    rows.push([
      input.name,
      ...perRule.map((v) => v.toFixed(1)),
      all.toFixed(1),
      `${verdict(worst <= RULE_TARGET_MS_PER_MB)}`,
    ]);
  }
  for (const line of table(rows)) console.log(`  ${line}`);
  console.log(
    "  figures in ms per MB (median of 3); 'all' runs every rule plus decoding, fingerprints and messages.",
  );
}
