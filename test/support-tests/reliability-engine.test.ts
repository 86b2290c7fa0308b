import { beforeAll, describe, expect, it } from "vitest";
import { engineCases, seededSecrets } from "../support/reliability/engine-cases.ts";
import type { CaseResult } from "../support/reliability/types.ts";

// The quick run: every bad-input case B14–B44 and the light load figures (L3 and L4 are skipped).
let results: CaseResult[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  results = await engineCases((text) => outputs.push(text), { quick: true });
}, 60_000);

/** Seeded secrets found in any output, each counted once. */
function leaked(secrets: readonly string[]): string[] {
  return secrets.filter((s) => outputs.some((o) => o.includes(s)));
}

describe("test/support/reliability/engine-cases.ts", () => {
  it("returns well-formed rows", () => {
    expect(results.length).toBeGreaterThan(31);
    for (const r of results) {
      expect(r.id).toMatch(/^(B\d{2}|L\d)$/);
      expect(["bad-input", "load"]).toContain(r.group);
      expect(r.group).toBe(r.id.startsWith("B") ? "bad-input" : "load");
      for (const text of [r.name, r.expected, r.observed]) {
        expect(typeof text).toBe("string");
        expect(text.trim()).not.toBe("");
      }
      expect(typeof r.pass).toBe("boolean");
      // A case that threw is reported, never a crashed run — but no case should throw.
      expect(r.observed).not.toMatch(/^crashed:/);
    }
  });

  it("has B14 … B44 exactly once each, and no heavy figure in the quick run", () => {
    const ids = results.map((r) => r.id);
    const bad = Array.from({ length: 31 }, (_, i) => `B${14 + i}`);
    for (const id of bad) expect(ids.filter((x) => x === id)).toHaveLength(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain("L3");
    expect(ids).not.toContain("L4");
  });

  it("hands the user-visible outputs to the sink", () => {
    expect(outputs.length).toBeGreaterThan(100);
    expect(outputs.some((o) => o.startsWith("<!-- flux-impact:comment -->"))).toBe(true);
  });

  it("seeds distinct secrets, generated at run time", () => {
    const secrets = seededSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(20);
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(seededSecrets()).toEqual(secrets);
  });

  it("never outputs a seeded secret", () => {
    expect(leaked(seededSecrets())).toEqual([]);
  });
});
