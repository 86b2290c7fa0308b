/**
 * Impact scenarios: each directory holds a small Flux repository in two revisions (`base/`, `head/`)
 * that differ by one kind of change, and `expected.json`, the impact written by hand from Flux's
 * semantics. The runner analyzes the pull request as the App does (both revisions, the impact, the checks
 * and the default policy), and checks `impactJson(report)` against
 * the expectation: every list has exactly the expected members (matched by name), each member matches
 * the expected fields (`toMatchObject`; `reasonsMention` lists words its reasons must contain), and the
 * full Markdown comment is kept as a file snapshot.
 * Two generated cases check the report's guarantees: no Secret value ever printed, and a huge change
 * that stays within GitHub's comment size.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../../src/cli/fs-snapshot.ts";
import type { ImpactReport, RevisionInfo } from "../../../src/core/impact/types.ts";
import { analyzePullRequest } from "../../../src/core/pull-request.ts";
import { renderCheckRun } from "../../../src/core/report/check-run.ts";
import { renderComment } from "../../../src/core/report/comment.ts";
import { impactJson } from "../../../src/core/report/impact-json.ts";
import { AnalysisSession } from "../../../src/core/session.ts";
import type { RepoSnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";
import { largeChange } from "../../support/fixtures/large-change.ts";

const HERE = import.meta.dirname;
const SCENARIOS = readdirSync(HERE, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(HERE, d.name, "expected.json")))
  .map((d) => d.name)
  .sort();

const REVISIONS: { base: RevisionInfo; head: RevisionInfo } = {
  base: { ref: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d" },
  head: {
    ref: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
    blobUrl: "https://github.com/example/home-cluster/blob/9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
  },
};

type Json = Record<string, unknown>;

/** How the members of each list of the JSON report are told apart. */
const KEYS: Record<string, (x: Json) => string> = {
  kustomizations: (x) => `${x.namespace}/${x.name}`,
  helmreleases: (x) => `${x.namespace}/${x.name}`,
  deletions: (x) => `${refText(x.ref)} by ${x.kustomization}`,
  disabledServices: (x) => String(x.file),
  suspendFlips: (x) => `${x.kind} ${x.key}`,
  findings: (x) => `${x.code} ${x.file ?? ""}`,
};

function refText(ref: unknown): string {
  if (typeof ref === "string") return ref;
  const r = (ref ?? {}) as Json;
  return typeof r.display === "string"
    ? r.display
    : `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}

function analyzeSnapshots(base: RepoSnapshot, head: RepoSnapshot): ImpactReport {
  return analyzePullRequest({ base, head }).report;
}

function analyzeScenario(name: string): ImpactReport {
  const session = new AnalysisSession();
  return analyzeSnapshots(
    loadDirectorySnapshot(join(HERE, name, "base"), { session }),
    loadDirectorySnapshot(join(HERE, name, "head"), { session }),
  );
}

describe("scenarios/impact", () => {
  describe.each(SCENARIOS)("%s", (name) => {
    const expected = JSON.parse(readFileSync(join(HERE, name, "expected.json"), "utf8")) as Json;
    const report = analyzeScenario(name);
    const actual = impactJson(report) as unknown as Json;

    it.each(Object.keys(KEYS))("lists exactly the expected %s", (list) => {
      const want = (expected[list] ?? []) as Json[];
      const got = (actual[list] ?? []) as Json[];
      const key = KEYS[list]!;
      expect(got.map(key).sort()).toEqual(want.map(key).sort());
      const byKey = new Map(got.map((x) => [key(x), x]));
      for (const { reasonsMention, ...w } of want) {
        const member = byKey.get(key(w));
        expect(member, key(w)).toMatchObject(w);
        // Words the reasons must mention (the cause), without pinning their wording.
        const reasons = ((member?.reasons ?? []) as string[]).join("\n");
        for (const word of (reasonsMention ?? []) as string[]) expect(reasons, key(w)).toContain(word);
      }
    });

    it("lists the touched-but-unchanged Kustomizations and unowned files", () => {
      expect({ touchedUnchanged: actual.touchedUnchanged, unownedFiles: actual.unownedFiles }).toEqual({
        touchedUnchanged: expected.touchedUnchanged,
        unownedFiles: expected.unownedFiles,
      });
    });

    it("concludes as expected", () => {
      expect(actual.conclusion).toBe(expected.conclusion);
    });

    it("renders the comment", async () => {
      await expect(renderComment(report, REVISIONS)).toMatchFileSnapshot(`__snapshots__/${name}.md`);
    });
  });
});

describe("scenarios/impact secret values", () => {
  const report = analyzeScenario("secret-values");
  /** Secret strings as written in the two revisions. */
  const written = [
    "YmFzZS1zbXRwLXBhc3N3b3JkLTdReA==",
    "aGVhZC1zbXRwLXBhc3N3b3JkLTlaaw==",
    "base-stringdata-token-4Fv",
    "head-stringdata-token-8Lp",
    "base-helm-secret-3Jd",
    "head-helm-secret-6Wq",
    "9F+Hvg2MYQMHOcux+g2hDQqAyBONZilk",
    "Jc3+n8DZ9BOU4fd1gvCpYupurYIWzCDW",
    "gX+a1FflSpVdvi8GRgp7VjXoNRpuatYD",
    "ZNZB7QTLj005KTkH2zl2B3kqCT7W7HZT",
    "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBmYWtlZmFrZWZha2VmYWtl",
  ];
  /** The same secrets decoded (base64 `data`) or encoded (`stringData`). */
  const derived = [
    "base-smtp-password-7Qx",
    "head-smtp-password-9Zk",
    ...written.slice(2, 6).map((s) => Buffer.from(s).toString("base64")),
  ];
  const secrets = [...written, ...derived];
  const outputs: Record<string, string> = {
    markdown: renderComment(report, REVISIONS),
    json: JSON.stringify(impactJson(report)),
    checkRun: JSON.stringify(renderCheckRun(report, REVISIONS)),
    report: JSON.stringify(report),
  };

  it("seeds every secret in the repositories", () => {
    const files = ["base", "head"].map((rev) =>
      ["credentials.yaml", "api-token.yaml", "values-secret.yaml", "relay.sops.yaml"]
        .map((f) => readFileSync(join(HERE, "secret-values", rev, "apps/mail/mailer/app", f), "utf8"))
        .join("\n"),
    );
    for (const s of written)
      expect(
        files.some((text) => text.includes(s)),
        s,
      ).toBe(true);
    expect(derived.slice(0, 2).map((s) => Buffer.from(s).toString("base64"))).toEqual(written.slice(0, 2));
  });

  it.each(Object.keys(outputs))("prints no secret value in the %s output", (output) => {
    const text = outputs[output]!;
    expect(secrets.filter((s) => text.includes(s))).toEqual([]);
  });

  it("reports that the Secret-sourced Helm value changed, without its values", () => {
    const hr = report.helmReleases.find((h) => h.key === "mail/mailer");
    expect(hr?.values).toEqual([{ path: "smtp.password", change: "modified", secret: true }]);
  });
});

describe("scenarios/impact huge change", () => {
  const { base, head, apps } = largeChange(240);
  const report = analyzeSnapshots(base, head);
  const markdown = renderComment(report, REVISIONS);

  it("affects every generated app", () => {
    expect(report.kustomizations.filter((k) => k.name.startsWith("app-")).length).toBe(apps);
    expect(report.helmReleases.length).toBe(apps);
  });

  it("keeps the comment within GitHub's size limit", () => {
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    expect(Buffer.byteLength(markdown, "utf8")).toBeLessThanOrEqual(65_536);
  });

  it("keeps code fences and <details> blocks balanced", () => {
    expect(unbalanced(markdown)).toEqual({ openFence: false, details: 0, detailsNeverNegative: true });
  });

  it("says what was left out", () => {
    expect(markdown).toMatch(/left out/i);
  });
});

/** Code fences (CommonMark: closed by a run of at least as many backticks) and `<details>` nesting. */
function unbalanced(markdown: string): {
  openFence: boolean;
  details: number;
  detailsNeverNegative: boolean;
} {
  let fence = 0;
  let details = 0;
  let never = true;
  for (const line of markdown.split("\n")) {
    const run = /^ {0,3}(`{3,})(.*)$/.exec(line);
    if (fence > 0) {
      if (run && run[1]!.length >= fence && run[2]!.trim() === "") fence = 0;
      continue;
    }
    if (run) {
      fence = run[1]!.length;
      continue;
    }
    details += (line.match(/<details\b/g) ?? []).length;
    details -= (line.match(/<\/details>/g) ?? []).length;
    if (details < 0) never = false;
  }
  return { openFence: fence > 0, details, detailsNeverNegative: never };
}
