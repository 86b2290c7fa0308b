/**
 * Cases B42–B44: what leaves the engine. Hostile strings in every field a reviewer sees; a report far over
 * GitHub's size limits (comment, check-run output, annotations — sent through the App's completeCheckRun
 * to a fake GitHub that answers 422 the way GitHub does); and seeded fake credentials across every secret
 * rule, which must all be found and never appear in any output.
 */
import {
  analyzePullRequest,
  createMemorySnapshot,
  type DiagnosticCode,
  type ImpactReport,
} from "../../../../src/core/index.ts";
import { batchAnnotations, impactJson, renderComment } from "../../../../src/core/report/index.ts";
import { completeCheckRun } from "../../../../src/github/jobs.ts";
import { randomString } from "../../fixtures/fake-secrets.ts";
import { FakeGitHub, JOB } from "../../github/fake-client.ts";
import {
  type CaseSpec,
  Checklist,
  type Files,
  findingsOf,
  pullRequest,
  REVISIONS,
  renderAll,
} from "./common.ts";
import {
  AGE_RECIPIENT,
  base64,
  CANARIES,
  configMap,
  fluxKustomization,
  fluxRepo,
  helmRelease,
  kustomizationOf,
  sopsEnc,
} from "./fixtures.ts";
import { activeMarkup, structureChanges, structureOf } from "./structure.ts";

/** The plan's injection corpus (§3.5): everything a value must not be able to do to the comment. */
export const INJECTION =
  "</details></summary><!-- hidden --> @octocat @org/team #1 GH-2 [x](javascript:alert(1)) ![](https://t) " +
  "<img src=x onerror=alert(1)> a|b\r\n# not a heading\n```\n</details>\n~~~ `tick` ``double`` *b* _i_ \\ " +
  "\u202Eevil\u2066x\u2069\u200B\uFEFF https://github.com/o/r/issues/1 www.example.com";

/** A change that puts `text` in a ConfigMap value, a label, Helm values and a dependsOn target name. */
function injectionChange(text: string): { base: Files; head: Files } {
  const app = (value: string, label: string) => ({
    "kustomization.yaml": kustomizationOf(["configmap.yaml", "release.yaml"]),
    "configmap.yaml": configMap("settings", { message: value, level: "info" }).replace(
      "metadata:\n",
      `metadata:\n  labels:\n    note: ${JSON.stringify(label)}\n`,
    ),
    "release.yaml": helmRelease(
      `    message: ${JSON.stringify(value)}\n    ${JSON.stringify(`key-${label}`)}: 1\n`,
    ),
  });
  const base = fluxRepo({ web: app("before", "before") });
  const head = fluxRepo(
    { web: app(text, text) },
    {
      "clusters/home/web.yaml": fluxKustomization(
        "web",
        "apps/web",
        `  dependsOn:\n    - name: ${JSON.stringify(`db-${text}`)}\n`,
      ),
    },
  );
  return { base, head };
}

/**
 * 1,200 ConfigMap files whose values change (≈ 200,000+ characters of diffs) and each gains a high-entropy
 * `password` (an S12 warning with file and line: 1,200 findings). `text` goes into every value.
 */
export function largeChange(text: string, count = 1200): { base: Files; head: Files } {
  const files = (head: boolean): Files => {
    const app: Files = {
      "kustomization.yaml": kustomizationOf(Array.from({ length: count }, (_, i) => `cm/${i}.yaml`)),
    };
    for (let i = 0; i < count; i++) {
      const data: Record<string, string> = {
        note: `${head ? "after" : "before"} ${text} ${"lorem ipsum dolor sit amet ".repeat(4)}${i}`,
      };
      if (head)
        data.password = randomString(
          24,
          "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
          9000 + i,
        );
      app[`cm/${i}.yaml`] = configMap(`cm-${i}`, data);
    }
    return app;
  };
  return { base: fluxRepo({ big: files(false) }), head: fluxRepo({ big: files(true) }) };
}

export function analyzeFiles(files: { base: Files; head: Files }): ImpactReport {
  return analyzePullRequest({
    base: createMemorySnapshot(files.base),
    head: createMemorySnapshot(files.head),
  }).report;
}

const SOPS_META = `sops:
  age:
    - recipient: ${AGE_RECIPIENT}
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        ${randomString(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 4450)}
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2025-01-01T00:00:00Z"
  mac: ${sopsEnc(4451)}
  encrypted_regex: ^(data|stringData)$
  version: 3.9.1
`;

/** The B44 repositories: a fake credential for every rule, in the places that could leak it. */
function canaryChange(): { base: Files; head: Files; expected: Array<[DiagnosticCode, string]> } {
  const c = CANARIES;
  const secret = (name: string, body: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: default\ntype: Opaque\n${body}`;
  const web = {
    "kustomization.yaml": kustomizationOf([
      "configmap.yaml",
      "release.yaml",
      "secret.yaml",
      "secret-b64.yaml",
      "broken.yaml",
    ]),
    "configmap.yaml": configMap("web", { a: "1", token: c.tokens.gho, password: c.password }),
    "release.yaml": helmRelease(`    github:\n      token: ${c.tokens.ghu}\n`),
    "secret.yaml": secret("plain", `stringData:\n  password: ${c.secretValue}\n`),
    "secret-b64.yaml": secret("encoded", `data:\n  token: ${base64(c.tokens.inBase64)}\n`),
    "broken.yaml": secret("broken", `stringData:\n  token: ${c.tokens.inBrokenYaml}\n  bad: [unclosed, {\n`),
    "app.sops.yaml": secret(
      "sopsed",
      `stringData:\n  password: ${c.sopsPlaintext}\n  other: ${sopsEnc(4452)}\n${SOPS_META}`,
    ),
    "tls.pem": c.rsaKey,
  };
  const base = fluxRepo(
    {
      web: {
        "kustomization.yaml": kustomizationOf(["configmap.yaml"]),
        "configmap.yaml": configMap("web", { a: "1" }),
      },
    },
    { "notes/deploy.txt": c.opensshKey },
  );
  const head = fluxRepo(
    { web },
    {
      "clusters/home/web.yaml": fluxKustomization(
        "web",
        "apps/web",
        `  postBuild:\n    substitute:\n      PAT: ${c.tokens.githubPat}\n`,
      ),
      ".github/workflows/ci.yml": `on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: ${c.tokens.ghs}\n`,
      "docs/notes.md": `Refresh with ${c.tokens.ghr} if it expires.\n`,
      "clusters/home/age/keys.txt": `# created: 2025-01-01\n# public key: ${AGE_RECIPIENT}\n${c.ageKey}\n`,
      "GitHub-Deploy.KEY": c.opensshKey,
      "ops/id_ed25519": c.opensshKey,
    },
  );
  const expected: Array<[DiagnosticCode, string]> = [
    ["secret-github-token", "apps/web/broken.yaml"],
    ["secret-github-token", "apps/web/configmap.yaml"],
    ["secret-github-token", "apps/web/release.yaml"],
    ["secret-github-token", ".github/workflows/ci.yml"],
    ["secret-github-token", "docs/notes.md"],
    ["secret-github-token", "clusters/home/web.yaml"],
    ["secret-github-token", "apps/web/secret-b64.yaml"],
    ["secret-private-key", "apps/web/tls.pem"],
    ["secret-private-key", "GitHub-Deploy.KEY"],
    ["secret-age-key", "clusters/home/age/keys.txt"],
    ["secret-unencrypted-secret", "apps/web/secret.yaml"],
    ["secret-unencrypted-secret", "apps/web/secret-b64.yaml"],
    ["secret-unencrypted-secret", "apps/web/broken.yaml"],
    ["secret-sops-unencrypted", "apps/web/app.sops.yaml"],
    ["secret-runbook-file", "GitHub-Deploy.KEY"],
    ["secret-suspicious-file", "ops/id_ed25519"],
    ["secret-high-entropy", "apps/web/configmap.yaml"],
  ];
  return { base, head, expected };
}

export const outputCases: CaseSpec[] = [
  {
    id: "B42",
    group: "bad-input",
    name: "Values with </details>, <!--, @octocat, #1, [x](javascript:…), ![](…), |, CRLF, bidi",
    expected:
      "Golden structure test: comment and check run keep the clean twin's headings, <details>, fences and table columns; no mention, reference, link, image, HTML comment, raw bidi or CR created",
    run({ out }) {
      const c = new Checklist();
      const good = pullRequest(out, injectionChange("clean-value"));
      const bad = pullRequest(out, injectionChange(INJECTION));
      c.check(
        bad.comment.includes("@&#8203;octocat") || bad.comment.includes("octocat"),
        "the corpus reaches the comment",
      );
      for (const [label, a, b, comments] of [
        ["comment", good.comment, bad.comment, 1],
        ["check-run summary", good.checkRun.summary, bad.checkRun.summary, 0],
        ["check-run text", good.checkRun.text, bad.checkRun.text, 0],
      ] as const) {
        const changes = structureChanges(structureOf(a), structureOf(b));
        c.check(
          changes.length === 0,
          `${label}: structure ${changes.length ? changes.join(", ") : "unchanged"}`,
        );
        const before = new Set(activeMarkup(a, comments));
        const created = activeMarkup(b, comments).filter((m) => !before.has(m));
        c.check(
          created.length === 0,
          `${label}: ${created.length ? `creates ${created.join(", ")}` : "nothing active"}`,
        );
      }
      const plain = bad.checkRun.annotations.every(
        (a) => !/[\r\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/.test(a.message),
      );
      c.check(plain, `${bad.checkRun.annotations.length} annotations, messages plain`);
      return c.verdict();
    },
  },
  {
    id: "B43",
    group: "bad-input",
    name: "200,000+ characters of report and 1,200 findings",
    expected:
      "Comment ≤ 60,000 (UTF-16 units and UTF-8 bytes) with a truncation note and balanced structure; check-run summary and text ≤ 65,000; 500 annotations in 10 batches of ≤ 50; no 422 from GitHub's limits",
    async run({ out }) {
      const c = new Checklist();
      const report = analyzeFiles(largeChange("value"));
      const r = renderAll(out, report, REVISIONS);
      const unbounded = renderComment(report, { ...REVISIONS, maxChars: 100_000_000 }).length;
      c.check(unbounded >= 200_000, `unbounded report ${unbounded.toLocaleString("en-US")} characters`);
      c.check(
        report.findings.introduced.length >= 1200,
        `${report.findings.introduced.length} findings introduced`,
      );
      const bytes = Buffer.byteLength(r.comment, "utf8");
      const s = structureOf(r.comment);
      c.check(
        r.comment.length <= 60_000 && bytes <= 60_000,
        `comment ${r.comment.length.toLocaleString("en-US")} characters, ${bytes.toLocaleString("en-US")} bytes`,
      );
      c.check(/left out to fit the size limit/.test(r.comment), "comment says what was left out");
      c.check(s.details === 0 && s.detailsNeverNegative && !s.openFence, "comment structure balanced");
      const { summary, text, title, annotations } = r.checkRun;
      c.check(
        summary.length <= 65_000 && text.length <= 65_000 && title.length <= 255,
        `check run summary ${summary.length.toLocaleString("en-US")}, text ${text.length.toLocaleString("en-US")}, title ${title.length}`,
      );
      c.check(/not annotated/.test(summary), "summary says how many findings are not annotated");
      const batches = batchAnnotations(annotations);
      c.check(
        annotations.length === 500 && batches.length === 10 && batches.every((b) => b.length <= 50),
        `${annotations.length} annotations in ${batches.length} batches`,
      );
      const gh = new FakeGitHub();
      await completeCheckRun(
        gh.client(),
        JOB,
        1,
        { conclusion: r.checkRun.conclusion, title, summary, text },
        annotations,
      );
      c.check(
        gh.rejected.length === 0 && gh.requests.length === 10,
        `completeCheckRun: ${gh.requests.length} requests, ${gh.rejected.length} answered 422${gh.rejected.length ? ` (${gh.rejected.join("; ")})` : ""}`,
      );
      c.check(r.comment.length <= 65_536, "comment accepted by GitHub's 65,536 limit");
      return c.verdict();
    },
  },
  {
    id: "B44",
    group: "bad-input",
    name: "Canary secrets across all S-rules",
    expected:
      "Every canary detected (S1–S12, including a YAML file that fails to parse, base64 in Secret.data, a *.sops.yaml with a plaintext value, a renamed GitHub-Deploy.KEY); canaries appear 0 times in every output of the run (comments, check runs, annotations, JSON, messages)",
    run({ out, leaks }) {
      const c = new Checklist();
      const { base, head, expected } = canaryChange();
      const r = pullRequest(out, { base, head });
      out(JSON.stringify(impactJson(r.report)));
      const missed = expected.filter(([code, file]) => findingsOf(r, code, file).length === 0);
      c.check(
        missed.length === 0,
        `${expected.length - missed.length} of ${expected.length} expected findings${missed.length ? `; missed ${missed.map(([code, file]) => `${code} in ${file}`).join(", ")}` : ""}`,
      );
      const renamed = r.report.changedFiles.find((f) => f.path === "GitHub-Deploy.KEY");
      c.note(
        `GitHub-Deploy.KEY is ${renamed?.status ?? "absent"}${renamed?.previousPath ? ` from ${renamed.previousPath}` : ""}`,
      );
      c.check(r.report.conclusion === "failure", `conclusion ${r.report.conclusion}`);
      const hits = leaks();
      c.check(
        hits.length === 0,
        hits.length
          ? `canaries in outputs: ${hits.join(", ")}`
          : "0 canary occurrences in all outputs of the run so far",
      );
      return c.verdict();
    },
  },
];
