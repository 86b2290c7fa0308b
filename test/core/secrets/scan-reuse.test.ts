import { describe, expect, it } from "vitest";
import { scanSecrets } from "../../../src/core/secrets/scan.ts";
import { sameBytes } from "../../../src/core/util/bytes.ts";
import { enc, githubToken } from "../../support/fixtures/fake-secrets.ts";

const encoder = new TextEncoder();
const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
secretGenerator:
  - name: app-env
    envs:
      - app.env
`;
const ENCRYPTED_ENV = `DB_PASSWORD=${enc(1)}\nsops_mac=${enc(2)}\nsops_version=3.9.0\n`;

type Tree = Record<string, string>;
const filesOf = (tree: Tree) =>
  Object.entries(tree).map(([path, text]) => ({ path, bytes: encoder.encode(text) }));
/**
 * Head scanned alone, and head scanned reusing base's scan in both ways the engine does: comparing bytes
 * with base (a pull request) and from the list of changed paths (a later commit of the branch).
 */
function both(base: Tree, head: Tree) {
  const baseScan = scanSecrets({ files: filesOf(base) });
  const alone = scanSecrets({ files: filesOf(head) });
  const changed = new Set([...Object.keys(base), ...Object.keys(head)].filter((p) => base[p] !== head[p]));
  const byBytes = scanSecrets({
    files: filesOf(head),
    previous: {
      scan: baseScan,
      same: (p, bytes) => sameBytes(p in base ? encoder.encode(base[p]) : undefined, bytes),
    },
  });
  const byChanges = scanSecrets({
    files: filesOf(head),
    previous: { scan: baseScan, same: (p) => !changed.has(p) },
  });
  return { alone, byBytes, byChanges };
}

/** Both ways find exactly what a scan of head alone finds; returns those findings. */
function expectSame(base: Tree, head: Tree): string[] {
  const { alone, byBytes, byChanges } = both(base, head);
  for (const reused of [byBytes, byChanges]) {
    expect(reused.findings).toEqual(alone.findings);
    expect(reused.suppressed).toBe(alone.suppressed);
  }
  return codes(alone);
}

const codes = (r: ReturnType<typeof scanSecrets>) => r.findings.map((d) => `${d.code} ${d.file}:${d.line}`);

describe("core/secrets/scan reusing another revision's scan", () => {
  it("finds in head exactly what a scan of head alone finds, for unchanged, changed and added files", () => {
    const token = githubToken("ghp", 7);
    const base: Tree = {
      "apps/a/secret.txt": `token: ${token}\n`,
      "apps/b/config.yaml": "a: 1\n",
      "apps/c/kustomization.yaml": KUSTOMIZATION,
      "apps/c/app.env": ENCRYPTED_ENV,
    };
    const head: Tree = {
      ...base,
      "apps/b/config.yaml": `a: 1\nb: ${githubToken("ghp", 8)}\n`,
      "apps/d/new.txt": `${githubToken("ghp", 9)}\n`,
    };
    expect(expectSame(base, head)).toEqual([
      "secret-github-token apps/a/secret.txt:1",
      "secret-github-token apps/b/config.yaml:2",
      "secret-github-token apps/d/new.txt:1",
    ]);
  });

  it("scans an unchanged kustomization again when the file its secretGenerator reads changed", () => {
    const base: Tree = { "apps/c/kustomization.yaml": KUSTOMIZATION, "apps/c/app.env": ENCRYPTED_ENV };
    // The env file is decrypted in the pull request: the unchanged kustomization now generates from plain text.
    const head: Tree = { ...base, "apps/c/app.env": "DB_PASSWORD=hunter2\n" };
    expect(expectSame(base, head)).toContain("secret-unencrypted-secret apps/c/kustomization.yaml:6");
  });

  it("scans an unchanged kustomization again when the file its secretGenerator names appears", () => {
    const base: Tree = { "apps/c/kustomization.yaml": KUSTOMIZATION };
    const head: Tree = { ...base, "apps/c/app.env": "DB_PASSWORD=hunter2\n" };
    expect(expectSame(base, head)).toContain("secret-unencrypted-secret apps/c/kustomization.yaml:6");
  });

  it("scans an unchanged kustomization again when the file its secretGenerator names is deleted", () => {
    const base: Tree = {
      "apps/c/kustomization.yaml": KUSTOMIZATION,
      "apps/c/app.env": "DB_PASSWORD=hunter2\n",
    };
    const { "apps/c/app.env": _deleted, ...head } = base;
    expect(codes(scanSecrets({ files: filesOf(base) }))).toContain(
      "secret-unencrypted-secret apps/c/kustomization.yaml:6",
    );
    expect(expectSame(base, head)).toEqual([]);
  });

  it("reuses nothing from a scan that kept no per-file results", () => {
    const tree: Tree = { "a.txt": `${githubToken("ghp", 1)}\n` };
    const { findings, suppressed } = scanSecrets({ files: filesOf(tree) });
    const reused = scanSecrets({
      files: filesOf(tree),
      previous: { scan: { findings, suppressed }, same: () => true },
    });
    expect(codes(reused)).toEqual(["secret-github-token a.txt:1"]);
  });
});
