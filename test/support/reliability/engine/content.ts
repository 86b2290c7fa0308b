/**
 * Cases B21–B23: content the archive hides or mangles — export-ignored files (the App reads them from the
 * contents API and hands them to analyzePullRequest as `extraHeadFiles`), Git LFS pointers and submodule
 * paths, and file paths built to break the comment's Markdown.
 */
import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";
import { DEFAULT_TARBALL_LIMITS, treeFromTarball } from "../../../../src/github/tarball.ts";
import { TOP_DIR } from "../../github/fake-client.ts";
import { type CaseSpec, Checklist, findingsOf, pullRequest, quote, shown } from "./common.ts";
import { baseAndHead, CANARIES, configMap, kustomizationOf } from "./fixtures.ts";
import { activeMarkup, structureChanges, structureOf } from "./structure.ts";

const encoder = new TextEncoder();

/** A head revision whose file names are hostile (or, for the twin, clean names of the same lengths). */
function pathCase(hostile: boolean) {
  const names = hostile
    ? [
        "evil\nnewline.yaml",
        "tick`s``x.yaml",
        "pipe|cell|x.yaml",
        "<img src=x onerror=alert(1)>.yaml",
        "\u202Eimy.yaml\u2066x\u2069",
        "@octocat #1 GH-2 [x](javascript:alert(1)).yaml",
        `${"l".repeat(1100)}.yaml`,
      ]
    : [
        "clean-newline.yaml",
        "ticks-x.yaml",
        "pipe-cell-x.yaml",
        "img.yaml",
        "bidi.yaml",
        "mention.yaml",
        `${"l".repeat(1100)}.yaml`,
      ];
  const dup = hostile ? "dup|<b>`\u202E</details>.yaml" : "dup-clean.yaml";
  const unowned = hostile ? "docs/<!-- hidden -->|@team\r\n.md" : "docs/clean-notes.md";
  const app: Record<string, string> = {
    "kustomization.yaml": kustomizationOf(["configmap.yaml", ...names, dup]),
    "configmap.yaml": configMap("a", { a: "1" }),
    [dup]: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: dup2\n",
  };
  names.forEach((name, i) => {
    app[name] = configMap(`path-${i}`, { n: String(i) });
  });
  const { base, head } = baseAndHead({ a: app }, { [unowned]: "notes\n" });
  return { base, head, names, dup };
}

export const contentCases: CaseSpec[] = [
  {
    id: "B21",
    group: "bad-input",
    name: ".gitattributes `* export-ignore` hides a token file",
    expected:
      'The token is still found (analyzePullRequest extraHeadFiles, as the App reads export-ignored files from the contents API), plus a ".gitattributes export rules changed" warning',
    run({ out }) {
      const c = new Checklist();
      const { base } = baseAndHead({});
      const gitattributes = "* export-ignore\n";
      const tokenFile = `deploy-token=${CANARIES.exportIgnored}\n`;
      // `* export-ignore` empties GitHub's archive of the head commit: the head snapshot has no files.
      const r = pullRequest(out, {
        base,
        head: {},
        changedFiles: [
          ...Object.keys(base).map((path) => ({ path, status: "removed" as const })),
          { path: ".gitattributes", status: "added" },
          { path: "ops/token.txt", status: "added" },
        ],
        extraHeadFiles: [
          { path: ".gitattributes", bytes: encoder.encode(gitattributes) },
          { path: "ops/token.txt", bytes: encoder.encode(tokenFile) },
        ],
      });
      const token = findingsOf(r, "secret-github-token", "ops/token.txt");
      c.check(
        token.length === 1,
        `token in the export-ignored file: ${token.length ? quote(token[0]!.message, 80) : "not found"}`,
      );
      c.check(r.report.conclusion === "failure", `conclusion ${r.report.conclusion}`);
      const warning = r.findings.find(
        (d) => d.file === ".gitattributes" || /gitattributes|export-ignore/i.test(d.message),
      );
      c.check(
        warning !== undefined,
        warning
          ? `warning ${warning.code}: ${quote(warning.message)}`
          : "no warning that .gitattributes export rules changed",
      );
      c.note(
        `the empty head archive reads as ${r.report.kustomizations.filter((k) => k.change === "removed").length} Kustomizations removed and ${r.report.deletions.length} objects deleted`,
      );
      return c.verdict();
    },
  },
  {
    id: "B22",
    group: "bad-input",
    name: "Git LFS pointer or submodule path where YAML is expected",
    expected:
      'content-unavailable naming the path, for the LFS pointer ("is a Git LFS pointer") and for the submodule',
    run({ out }) {
      const c = new Checklist();
      const pointer =
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
      const { base, head } = baseAndHead(
        {
          a: {
            "kustomization.yaml": kustomizationOf(["values.yaml", "vendor/chart"]),
            "values.yaml": pointer,
          },
        },
        {
          ".gitmodules":
            '[submodule "vendor"]\n\tpath = apps/a/vendor/chart\n\turl = https://github.com/example/chart\n',
        },
      );
      const r = pullRequest(out, { base, head });
      const lfs = findingsOf(r, "content-unavailable", "apps/a/values.yaml")[0];
      c.check(
        lfs !== undefined && shown(r, "apps/a/values.yaml"),
        `LFS: ${lfs ? quote(lfs.message) : "no content-unavailable finding"}`,
      );
      const submodule = r.findings.find((d) => d.message.includes("vendor/chart"));
      c.check(
        submodule?.code === "content-unavailable",
        `submodule: ${submodule ? `${submodule.code} ${quote(submodule.message)}` : "no finding"} (.gitmodules is not read)`,
      );
      return c.verdict();
    },
  },
  {
    id: "B23",
    group: "bad-input",
    name: "Paths with newline, backtick, |, <, bidi, 1,024+ bytes",
    expected:
      "Escaped: comment and check-run structure identical to a clean twin, no mention/link/HTML/bidi/CR created; a 1,024+ byte path is rejected from archives (path-too-long)",
    async run({ out }) {
      const c = new Checklist();
      const clean = pathCase(false);
      const hostile = pathCase(true);
      const good = pullRequest(out, { base: clean.base, head: clean.head });
      const bad = pullRequest(out, { base: hostile.base, head: hostile.head });
      c.check(
        hostile.names.every((n) => bad.report.kustomizations.some((k) => k.files.includes(`apps/a/${n}`))),
        "the hostile paths reach the report",
      );
      for (const [label, a, b, comments] of [
        ["comment", good.comment, bad.comment, 1],
        ["check-run summary", good.checkRun.summary, bad.checkRun.summary, 0],
      ] as const) {
        const changes = structureChanges(structureOf(a), structureOf(b));
        c.check(
          changes.length === 0,
          `${label} structure ${changes.length ? changes.join(", ") : "unchanged"}`,
        );
        const before = new Set(activeMarkup(a, comments));
        const created = activeMarkup(b, comments).filter((m) => !before.has(m));
        c.check(
          created.length === 0,
          `${label}: ${created.length ? `creates ${created.join(", ")}` : "nothing active created"}`,
        );
      }
      const annotation = bad.checkRun.annotations.find((a) => a.path === `apps/a/${hostile.dup}`);
      c.check(
        annotation !== undefined && !/[\r\u202A-\u202E\u2066-\u2069]/.test(annotation.message),
        annotation ? "annotation on the hostile path, message plain" : "no annotation on the hostile path",
      );
      const longest = Math.max(...bad.comment.split("\n").map((l) => l.length));
      c.note(`longest comment line ${longest} characters`);
      const long = `${TOP_DIR}${"d/".repeat(520)}x.yaml`;
      const tree = await treeFromTarball(
        gzipSync(await packTar([{ header: { name: long, size: 5 }, body: "a: 1\n" }])),
        DEFAULT_TARBALL_LIMITS,
      );
      c.check(
        tree.files.size === 0 && tree.rejected[0]?.reason === "path-too-long",
        `archive entry of ${long.length - TOP_DIR.length} bytes: ${tree.rejected[0]?.reason ?? "kept"}`,
      );
      return c.verdict();
    },
  },
];
