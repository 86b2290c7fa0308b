import { describe, expect, it } from "vitest";
import {
  changeText,
  evaluateDiffChecks,
  sameChanges,
  summarizeDiff,
} from "../support/conformance/flux-local-diff.ts";
import {
  type FluxLocalDiffCheck,
  loadDiffChecks,
  type ObjectChange,
  parseDiffOutput,
  setupEdits,
} from "../support/conformance/flux-local-diff-cases.ts";
import { type Differ, diffTrees } from "../support/conformance/impact-diff.ts";
import { CLUSTER, fluxRepo } from "../support/fixtures/flux-repo.ts";

const header = (obj: string, hunk: string) =>
  `--- ${CLUSTER}/apps Kustomization: flux-system/apps ${obj}\n\n+++ ${CLUSTER}/apps Kustomization: flux-system/apps ${obj}\n\n${hunk}\n\n`;

const change = (kind: string, ns: string, name: string, c: ObjectChange["change"]): ObjectChange => ({
  kustomization: "flux-system/apps",
  kind,
  namespace: ns,
  name,
  change: c,
});

describe("test/support/conformance/flux-local-diff-cases.ts", () => {
  it("parses object changes from flux-local's diff headers and hunk headers", () => {
    const text =
      header("ConfigMap: podinfo/podinfo-config", "@@ -1,12 +0,0 @@") +
      "----\n-apiVersion: v1\n" +
      header("Namespace: flux-system/podinfo", "@@ -0,0 +1,9 @@") +
      header("HelmRelease: podinfo/podinfo", "@@ -12,7 +12,7 @@");
    expect(parseDiffOutput(text)).toEqual([
      change("ConfigMap", "podinfo", "podinfo-config", "removed"),
      change("Namespace", "flux-system", "podinfo", "added"),
      change("HelmRelease", "podinfo", "podinfo", "modified"),
    ]);
    // -o yaml wraps the same text, indented, in `diff: |-` blocks.
    const yaml = `- kind: Kustomization\n  diffs:\n  - diff: |-\n      ${header("Certificate: flux-system/-.PLACEHOLDER_X..-staging", "@@ -1,18 +0,0 @@").replaceAll("\n", "\n      ")}`;
    expect(parseDiffOutput(yaml)).toEqual([
      change("Certificate", "flux-system", "-.PLACEHOLDER_X..-staging", "removed"),
    ]);
    expect(parseDiffOutput("")).toEqual([]);
  });

  it("turns a case's setup into in-memory edits", () => {
    expect(setupEdits(undefined)).toEqual({ edits: {} });
    expect(
      setupEdits(
        "Two worktrees; in worktree2 the file tests/testdata/cluster/apps/prod/configmap.yaml is truncated to empty before running.",
      ),
    ).toEqual({ edits: { "tests/testdata/cluster/apps/prod/configmap.yaml": "" } });
    expect(setupEdits("the repository is rebased")).toEqual({
      reason: "setup not reproducible in memory: the repository is rebased",
    });
  });

  it("loads every diff ks / diff hr case (also DIFF= ones) with its query and expectation", () => {
    const base = { root_path: "tests/testdata/cluster", env: {} };
    const checks = loadDiffChecks({
      cases: [
        { ...base, id: "get", command: "flux-local get ks", argv: ["get", "ks"] },
        {
          ...base,
          id: "empty",
          command: "flux-local diff ks apps --path tests/testdata/cluster/ -o yaml --limit-bytes 20",
          argv: [
            "diff",
            "ks",
            "apps",
            "--path",
            "tests/testdata/cluster/",
            "-o",
            "yaml",
            "--limit-bytes",
            "20",
          ],
          namespace_filter: "flux-system",
          raw_output: "",
        },
        {
          ...base,
          id: "missing",
          command: "flux-local diff hr example -A --path tests/testdata/cluster",
          argv: ["diff", "hr", "example", "-A", "--path", "tests/testdata/cluster"],
          namespace_filter: null,
          raw_output: "HelmRelease object 'example' not found in 'None' namespace\n",
          message: "HelmRelease object 'example' not found in 'None' namespace",
        },
        {
          ...base,
          id: "worktree",
          command:
            "flux-local diff ks --path <w2>/tests/testdata/cluster --path-orig <w1>/tests/testdata/cluster",
          argv: [
            "diff",
            "ks",
            "--path",
            "<w2>/tests/testdata/cluster",
            "--path-orig",
            "<w1>/tests/testdata/cluster",
          ],
          namespace_filter: "flux-system",
          setup: "the file tests/testdata/cluster/apps/prod/configmap.yaml is truncated to empty",
          raw_output: header("ConfigMap: podinfo/podinfo-config", "@@ -1,12 +0,0 @@"),
        },
        {
          ...base,
          id: "sources",
          command: "flux-local diff ks apps --sources=''",
          argv: ["diff", "ks", "apps", "--sources=''"],
          namespace_filter: "flux-system",
          raw_output: "",
        },
        {
          ...base,
          id: "external",
          command: "DIFF=diff flux-local diff hr podinfo",
          argv: ["diff", "hr", "podinfo"],
          env: { DIFF: "diff" },
          namespace_filter: "flux-system",
          raw_output: "3c3\n< a\n---\n> b\n",
        },
      ],
    });
    const common = { cluster: "cluster", root: "tests/testdata/cluster", sources: null, edits: {} };
    expect(checks).toEqual([
      {
        ...common,
        id: "empty",
        command: "flux-local diff ks apps --path tests/testdata/cluster/ -o yaml --limit-bytes 20",
        kind: "ks",
        namespace: "flux-system",
        name: "apps",
        expectation: { type: "empty" },
      },
      {
        ...common,
        id: "missing",
        command: "flux-local diff hr example -A --path tests/testdata/cluster",
        kind: "hr",
        namespace: null,
        name: "example",
        expectation: {
          type: "not-found",
          message: "HelmRelease object 'example' not found in 'None' namespace",
        },
      },
      {
        ...common,
        id: "worktree",
        command:
          "flux-local diff ks --path <w2>/tests/testdata/cluster --path-orig <w1>/tests/testdata/cluster",
        kind: "ks",
        namespace: "flux-system",
        name: null,
        edits: { "tests/testdata/cluster/apps/prod/configmap.yaml": "" },
        expectation: {
          type: "changes",
          changes: [change("ConfigMap", "podinfo", "podinfo-config", "removed")],
        },
      },
      {
        ...common,
        id: "sources",
        command: "flux-local diff ks apps --sources=''",
        kind: "ks",
        sources: "''",
        namespace: "flux-system",
        name: "apps",
        expectation: { type: "empty" },
      },
      {
        ...common,
        id: "external",
        command: "DIFF=diff flux-local diff hr podinfo",
        kind: "hr",
        namespace: "flux-system",
        name: "podinfo",
        expectation: { type: "changes", changes: [] },
        unsupported: "output of the external DIFF program (diff), not flux-local's diff headers",
      },
    ]);
  });
});

function check(id: string, parts: Partial<FluxLocalDiffCheck>): FluxLocalDiffCheck {
  return {
    id,
    command: `flux-local diff ks ${id}`,
    kind: "ks",
    cluster: "c",
    root: CLUSTER,
    sources: null,
    namespace: "flux-system",
    name: null,
    edits: {},
    expectation: { type: "empty" },
    ...parts,
  };
}

describe("test/support/conformance/flux-local-diff.ts", () => {
  it("matches Secret-derived placeholder names to any object of the same Kustomization, kind, namespace, change", () => {
    const ours = [
      change("Certificate", "flux-system", "SECRET-staging", "removed"),
      change("Namespace", "flux-system", "podinfo", "removed"),
    ];
    const placeholder = change("Certificate", "flux-system", "-.PLACEHOLDER_D..-staging", "removed");
    expect(sameChanges([placeholder, change("Namespace", "flux-system", "podinfo", "removed")], ours)).toBe(
      true,
    );
    expect(sameChanges([{ ...placeholder, change: "added" }, ours[1]!], ours)).toBe(false);
    expect(sameChanges([change("Certificate", "flux-system", "other", "removed"), ours[1]!], ours)).toBe(
      false,
    );
    expect(sameChanges([ours[1]!], ours)).toBe(false);
    expect(changeText(ours[0]!)).toBe("flux-system/apps: Certificate flux-system/SECRET-staging removed");
  });

  const configmap = `${CLUSTER}/apps/configmap.yaml`;
  const secret = `${CLUSTER}/apps/secret.yaml`;
  const removedConfigMap = change("ConfigMap", "podinfo", "podinfo-config", "removed");
  const checks: FluxLocalDiffCheck[] = [
    check("self", { name: "apps" }),
    check("self-missing-name", { name: "nope" }),
    check("self-hr", { kind: "hr", namespace: null, name: "podinfo" }),
    check("hr-not-found", { kind: "hr", name: "example", expectation: { type: "not-found", message: "x" } }),
    check("hr-found", {
      kind: "hr",
      namespace: null,
      name: "podinfo",
      expectation: { type: "not-found", message: "x" },
    }),
    check("worktree", {
      edits: { [configmap]: "" },
      expectation: { type: "changes", changes: [removedConfigMap] },
    }),
    check("worktree-other-namespace", {
      namespace: "podinfo",
      edits: { [configmap]: "" },
      expectation: { type: "changes", changes: [removedConfigMap] },
    }),
    // flux-local drops Secrets from diffs: a Secret-only change lists nothing.
    check("secret-only", {
      edits: {
        [secret]: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: podinfo-secret\n  namespace: podinfo\n",
      },
      expectation: { type: "changes", changes: [removedConfigMap] },
    }),
    check("sources", {
      name: "apps",
      sources: "''",
      expectation: {
        type: "changes",
        changes: [
          change("Namespace", "flux-system", "podinfo", "removed"),
          change("ConfigMap", "podinfo", "podinfo-config", "removed"),
          change("HelmRelease", "podinfo", "podinfo", "removed"),
        ],
      },
    }),
    check("sources-wrong", {
      name: "apps",
      sources: "''",
      expectation: { type: "changes", changes: [removedConfigMap] },
    }),
    check("hr-rendered", {
      kind: "hr",
      namespace: null,
      edits: { [configmap]: "" },
      expectation: { type: "changes", changes: [change("Deployment", "podinfo", "podinfo", "modified")] },
    }),
    check("unsupported", { unsupported: "setup not reproducible in memory: rebase" }),
  ];
  const results = evaluateDiffChecks(fluxRepo(), [], checks, diffTrees);
  const byId = (id: string) => results.find((r) => r.check.id === id);

  it("scores each case against the impact report of the tree and its modified copy", () => {
    expect(results.map((r) => `${r.check.id}: ${r.status}`)).toEqual([
      "self: pass",
      "self-missing-name: fail",
      "self-hr: pass",
      "hr-not-found: pass",
      "hr-found: fail",
      "worktree: pass",
      "worktree-other-namespace: fail",
      "secret-only: fail",
      "sources: deviation",
      "sources-wrong: unexplained",
      "hr-rendered: excluded",
      "unsupported: excluded",
    ]);
    expect(byId("self-missing-name")?.details).toEqual([
      "we find no Kustomization nope (namespace flux-system)",
    ]);
    expect(byId("hr-found")?.details).toEqual([
      "we find HelmRelease podinfo (namespace any): podinfo/podinfo",
    ]);
    expect(byId("worktree-other-namespace")?.details).toEqual([
      "- flux-system/apps: ConfigMap podinfo/podinfo-config removed",
    ]);
    expect(byId("secret-only")?.details).toEqual([
      "- flux-system/apps: ConfigMap podinfo/podinfo-config removed",
    ]);
    expect(byId("sources")?.reasons).toEqual([
      `flux-local builds the base side (HEAD worktree) without --sources and the tree with the allow-list "''", which admits none of the selected Kustomizations, so all their objects look removed`,
      "Flux has no such allow-list: the tree diffed against itself changes nothing (our report: empty)",
    ]);
    expect(byId("sources-wrong")?.details).toEqual([
      "flux-system/apps: Namespace flux-system/podinfo removed",
      "flux-system/apps: ConfigMap podinfo/podinfo-config removed",
      "flux-system/apps: HelmRelease podinfo/podinfo removed",
    ]);
    expect(byId("hr-rendered")?.reasons).toEqual([
      "flux-local diffs the HelmRelease's rendered chart (needs `helm template`)",
    ]);
    expect(summarizeDiff(results)).toEqual({ scored: 8, passed: 4, excluded: 4, unexplained: 1, crashes: 0 });
  });

  it("reports what the self-diff found when it is not empty, and crashes of the pipeline", () => {
    const noisy: Differ = (input) =>
      diffTrees({ ...input, head: new Map([...input.head].filter(([p]) => !p.endsWith("release.yaml"))) });
    const [r] = evaluateDiffChecks(fluxRepo(), [], [check("self", { name: "apps" })], noisy);
    expect(r?.status).toBe("fail");
    expect(r?.details).toEqual([
      `changed files (1): ${CLUSTER}/apps/release.yaml removed`,
      "Kustomizations (1): flux-system/apps modified",
      "HelmReleases (1): podinfo/podinfo removed",
      "deletions (1): HelmRelease podinfo/podinfo (flux-system/apps)",
    ]);
    const boom: Differ = () => {
      throw new Error("pipeline exploded");
    };
    const crashed = evaluateDiffChecks(fluxRepo(), [], [check("a", {}), check("b", { name: "apps" })], boom);
    expect(crashed.map((c) => c.status)).toEqual(["crash", "crash"]);
    expect(crashed[0]?.details[0]).toContain("pipeline exploded");
    expect(summarizeDiff(crashed)).toEqual({ scored: 2, passed: 0, excluded: 0, unexplained: 0, crashes: 2 });
  });
});
