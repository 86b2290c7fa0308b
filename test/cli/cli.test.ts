import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { computeDiff } from "../../src/cli/commands/diff.ts";
import { gitChangedFiles } from "../../src/cli/git-changes.ts";
import { runCli } from "../../src/cli/main.ts";
import { readYamlDocuments } from "../../src/core/yaml/read-documents.ts";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");

function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), "flux-impact-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("cli/main graph", () => {
  it("prints the graph as JSON with the documented shape and exits 0 on a clean repository", () => {
    const { code, stdout } = cli("graph", join(EXAMPLE, "base"), "--format", "json");
    const graph = JSON.parse(stdout);

    expect(code).toBe(0);
    expect(Object.keys(graph)).toEqual([
      "clusters",
      "entrypoints",
      "kustomizations",
      "helmreleases",
      "diagnostics",
    ]);
    expect(graph.clusters).toEqual([
      {
        name: "cluster",
        fluxVersion: "2.4.x",
        strictSubstitution: false,
        reason: expect.stringContaining("(StrictPostBuildSubstitutions is off before Flux 2.9)"),
      },
    ]);
    expect(graph.entrypoints[0]).toMatchObject({
      cluster: "cluster",
      rule: "flux-instance",
      path: "kubernetes/flux/cluster",
    });
    const immich = graph.kustomizations.find((k: { name: string }) => k.name === "immich");
    expect(immich).toEqual({
      cluster: "cluster",
      namespace: "flux-system",
      name: "immich",
      path: "kubernetes/apps/media/immich/app",
      sourceRef: { kind: "GitRepository", name: "flux-system", namespace: "flux-system" },
      dependsOn: ["flux-system/cloudnative-pg-cluster", "flux-system/dragonfly", "flux-system/ingress-nginx"],
      parent: "flux-system/cluster-apps",
      suspend: false,
      prune: true,
      status: "rendered",
      source: null,
      file: "kubernetes/apps/media/immich/ks.yaml",
      line: expect.any(Number),
    });
  });

  it("analyzes one cluster per --cluster-path, each with its own Kustomizations", () => {
    const repo = join(tmp, "two-clusters");
    const ks = (path: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ${path}, sourceRef: {kind: GitRepository, name: flux-system}}\n`;
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n";
    for (const [file, text] of [
      ["clusters/a/apps.yaml", ks("./apps")],
      ["clusters/b/apps.yaml", ks("./apps")],
      ["apps/cm.yaml", cm],
    ] as const) {
      mkdirSync(join(repo, file, ".."), { recursive: true });
      writeFileSync(join(repo, file), text);
    }

    const { code, stdout } = cli(
      "graph",
      repo,
      "--format",
      "json",
      "--cluster-path",
      "clusters/a",
      "--cluster-path",
      "clusters/b",
    );
    const graph = JSON.parse(stdout);

    expect(code).toBe(0);
    expect(graph.entrypoints.map((e: { cluster: string; rule: string }) => [e.cluster, e.rule])).toEqual([
      ["a", "cluster-path"],
      ["b", "cluster-path"],
    ]);
    expect(
      graph.kustomizations.map((k: { cluster: string; name: string }) => `${k.cluster}:${k.name}`).sort(),
    ).toEqual(["a:apps", "a:flux-system", "b:apps", "b:flux-system"]);
    expect(graph.diagnostics.map((d: { code: string }) => d.code)).not.toContain("flux-duplicate-object");
  });

  it("exits 1 and names the problem when the repository has errors", () => {
    const { code, stdout } = cli("graph", join(EXAMPLE, "head"));

    expect(code).toBe(1);
    expect(stdout).toContain(
      "graph-depends-on-missing kubernetes/apps/media/immich/ks.yaml:12: Kustomization flux-system/immich depends on Kustomization flux-system/dragonfly, which does not exist",
    );
  });

  it("prints a Mermaid flowchart", () => {
    const { code, stdout } = cli("graph", join(EXAMPLE, "base"), "--format", "mermaid");

    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("flowchart LR");
    expect(stdout).toContain("ks_flux_system_immich --> ks_flux_system_dragonfly");
    expect(stdout).toContain("hr_media_immich --> hr_database_dragonfly");
  });

  it("rejects bad usage with exit code 2 and says what to do", () => {
    expect(cli("graph", "--format", "xml", join(EXAMPLE, "base")).code).toBe(2);
    expect(cli("frobnicate").stderr).toContain('unknown command "frobnicate"');
    expect(cli("graph", "--no-such-flag").code).toBe(2);
    expect(cli("graph", join(tmp, "does-not-exist")).stderr).toContain("cannot read directory");
    expect(cli().code).toBe(2);
    expect(cli("--help").code).toBe(0);
  });
});

describe("cli/main build", () => {
  it("prints what one Flux Kustomization renders, after substitution", () => {
    const { code, stdout } = cli(
      "build",
      join(EXAMPLE, "base"),
      "--kustomization",
      "flux-system/cert-manager-issuers",
    );
    const objects = readYamlDocuments(stdout, "out.yaml").documents.map(
      (d) => d.value as { kind: string; spec?: unknown },
    );

    expect(code).toBe(0);
    expect(objects.map((o) => o.kind).sort()).toEqual(["ClusterIssuer", "ClusterIssuer", "Secret"]);
    expect(stdout).not.toContain("${CLUSTER_DOMAIN}");
    expect(stdout).toContain("..PLACEHOLDER_SECRET_ACME_EMAIL..");
    expect(stdout).not.toContain("ENC[AES256_GCM");
  });

  it("writes every Kustomization to OUTDIR/<namespace>/<name>.yaml", () => {
    const out = join(tmp, "rendered");

    const { code, stderr } = cli("build", join(EXAMPLE, "base"), "--all", "--out", out);

    expect(code).toBe(0);
    expect(stderr).toBe(`wrote 13 files under ${out}\n`);
    const jellyfin = readFileSync(join(out, "flux-system", "jellyfin.yaml"), "utf8");
    expect(jellyfin).toContain("kind: HelmRelease");
  });

  it("gives each cluster its own folder, so Kustomizations of the same name do not overwrite each other", () => {
    const repo = join(tmp, "two-clusters");
    const sync = (cluster: string) =>
      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\n" +
      "spec:\n  interval: 1m\n  url: https://github.com/me/home\n  ref: {branch: main}\n---\n" +
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\n" +
      `spec:\n  interval: 10m\n  path: ./clusters/${cluster}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n---\n` +
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\n" +
      `spec:\n  interval: 10m\n  path: ./apps/${cluster}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
    for (const cluster of ["main", "staging"]) {
      mkdirSync(join(repo, "clusters", cluster, "flux-system"), { recursive: true });
      mkdirSync(join(repo, "apps", cluster), { recursive: true });
      writeFileSync(join(repo, "clusters", cluster, "flux-system", "gotk-sync.yaml"), sync(cluster));
      writeFileSync(
        join(repo, "apps", cluster, "cm.yaml"),
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  cluster: ${cluster}\n`,
      );
    }
    const out = join(tmp, "two-clusters-out");

    const { code, stderr } = cli("build", repo, "--all", "--out", out);

    expect(code).toBe(0);
    expect(stderr).toBe(`wrote 4 files under ${out}\n`);
    expect(readFileSync(join(out, "main", "flux-system", "apps.yaml"), "utf8")).toContain("cluster: main");
    expect(readFileSync(join(out, "staging", "flux-system", "apps.yaml"), "utf8")).toContain(
      "cluster: staging",
    );

    const one = cli("build", repo, "--kustomization", "flux-system/apps");
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('"flux-system/apps" is in several clusters (main, staging)');
  });

  it("never writes outside OUTDIR, whatever a Kustomization is named", () => {
    const repo = join(tmp, "climbing-names");
    mkdirSync(join(repo, "clusters"), { recursive: true });
    mkdirSync(join(repo, "apps"), { recursive: true });
    const ks = (name: string, namespace: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n` +
      "spec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n";
    writeFileSync(
      join(repo, "clusters", "ks.yaml"),
      [ks("../../../escaped", "flux-system"), ks("fine", ".."), ks("apps", "flux-system")].join("---\n"),
    );
    writeFileSync(
      join(repo, "apps", "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n",
    );
    const out = join(tmp, "climb", "a", "b");

    const { code, stderr } = cli("build", repo, "--all", "--out", out);

    expect(code).toBe(1);
    expect(stderr).toContain('not written: "flux-system/../../../escaped" is not a name Kubernetes accepts');
    expect(stderr).toContain('not written: "../fine" is not a name Kubernetes accepts');
    expect(stderr).toContain(`wrote 1 files under ${out}`);
    expect(readFileSync(join(out, "flux-system", "apps.yaml"), "utf8")).toContain("kind: ConfigMap");
    expect(() => readFileSync(join(tmp, "escaped.yaml"))).toThrow();
    expect(() => readFileSync(join(tmp, "climb", "fine.yaml"))).toThrow();
  });

  it("says which file it cannot write instead of failing with a stack trace", () => {
    const blocker = join(tmp, "a-file");
    writeFileSync(blocker, "not a directory");

    const { code, stderr } = cli("build", join(EXAMPLE, "base"), "--all", "--out", blocker);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^flux-impact: cannot write .*a-file\/flux-system\/\S+\.yaml: ENOTDIR\n$/);
  });

  it("names the known Kustomizations when asked for an unknown one", () => {
    const { code, stderr } = cli("build", join(EXAMPLE, "base"), "--kustomization", "flux-system/nope");

    expect(code).toBe(2);
    expect(stderr).toContain('no Flux Kustomization "flux-system/nope"');
    expect(stderr).toContain("flux-system/cluster-apps");
  });
});

describe("cli/fs-snapshot git revisions", () => {
  it("reads a repository at a git revision without checking it out", () => {
    const repo = join(tmp, "git");
    mkdirSync(join(repo, "clusters", "prod"), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", repo, "-c", "user.email=t@example.org", "-c", "user.name=t", ...args]);
    git("init", "-q");
    const ks = (path: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ${path}, sourceRef: {kind: GitRepository, name: flux-system}}\n`;
    writeFileSync(join(repo, "clusters", "prod", "apps.yaml"), ks("./apps"));
    mkdirSync(join(repo, "apps"));
    writeFileSync(
      join(repo, "apps", "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n",
    );
    git("add", "-A");
    git("commit", "-qm", "one");
    writeFileSync(join(repo, "clusters", "prod", "apps.yaml"), ks("./gone"));

    const atHead = JSON.parse(cli("graph", repo, "--rev", "HEAD", "--format", "json").stdout);
    const worktree = JSON.parse(cli("graph", repo, "--format", "json").stdout);

    expect(atHead.kustomizations.find((k: { name: string }) => k.name === "apps").status).toBe("rendered");
    expect(worktree.kustomizations.find((k: { name: string }) => k.name === "apps").status).toBe(
      "path-not-found",
    );
    expect(cli("graph", repo, "--rev", "no-such-rev").stderr).toContain(
      'git revision "no-such-rev" not found',
    );
  });

  it("exits 2 naming the file when git cannot read one of the revision's blobs", () => {
    const repo = join(tmp, "git-missing");
    mkdirSync(join(repo, "clusters", "prod"), { recursive: true });
    mkdirSync(join(repo, "kubernetes", "apps"), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", repo, "-c", "user.email=t@example.org", "-c", "user.name=t", ...args])
        .toString("utf8")
        .trim();
    git("init", "-q");
    writeFileSync(
      join(repo, "clusters", "prod", "apps.yaml"),
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./kubernetes/apps, sourceRef: {kind: GitRepository, name: flux-system}}\n",
    );
    writeFileSync(
      join(repo, "kubernetes", "apps", "x.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n",
    );
    git("add", "-A");
    git("commit", "-qm", "one");
    // What a partial or damaged clone looks like: the tree names a blob the object store does not have.
    const sha = git("rev-parse", "HEAD:kubernetes/apps/x.yaml");
    unlinkSync(join(repo, ".git", "objects", sha.slice(0, 2), sha.slice(2)));

    const graph = cli("graph", repo, "--rev", "HEAD");
    const diff = cli("diff", "HEAD", "HEAD", "--repo", repo);

    expect(graph.code).toBe(2);
    expect(graph.stdout).toBe("");
    expect(graph.stderr).toContain(
      "cannot read kubernetes/apps/x.yaml at HEAD: git says the object is missing (a partial or shallow clone?)",
    );
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain("cannot read kubernetes/apps/x.yaml at HEAD");
  });
});

describe("cli/main diff", () => {
  it("prints the pull-request comment for two directories and exits 1 when the change introduces errors", () => {
    const { code, stdout } = cli("diff", join(EXAMPLE, "base"), join(EXAMPLE, "head"));

    expect(code).toBe(1);
    expect(stdout.split("\n")[0]).toBe("<!-- flux-impact:comment -->");
    expect(stdout).toContain("`0.8.5` → `0.9.0`");
    expect(stdout).toContain("will wait forever");
  });

  it("prints JSON with the documented top-level keys", () => {
    const { stdout } = cli("diff", join(EXAMPLE, "base"), join(EXAMPLE, "head"), "--format", "json");
    const json = JSON.parse(stdout);

    expect(json.conclusion).toBe("failure");
    expect(json.kustomizations.map((k: { name: string; change: string }) => `${k.name}:${k.change}`)).toEqual(
      [
        "cluster-apps:modified",
        "cluster-vars:modified",
        "dragonfly:removed",
        "immich:modified",
        "jellyfin:modified",
      ],
    );
    expect(json.helmreleases.find((h: { name: string }) => h.name === "immich").chart).toEqual({
      from: "0.8.5",
      to: "0.9.0",
    });
    expect(json.deletions.length).toBeGreaterThan(0);
  });

  it("diffs two git revisions, taking the changed files from git", () => {
    const repo = join(tmp, "git-diff");
    mkdirSync(join(repo, "clusters", "c"), { recursive: true });
    mkdirSync(join(repo, "app"), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", repo, "-c", "user.email=t@example.org", "-c", "user.name=t", ...args]);
    git("init", "-q");
    writeFileSync(
      join(repo, "clusters", "c", "ks.yaml"),
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./app, sourceRef: {kind: GitRepository, name: flux-system}}\n",
    );
    writeFileSync(
      join(repo, "app", "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {v: one}\n",
    );
    git("add", "-A");
    git("commit", "-qm", "one");
    writeFileSync(
      join(repo, "app", "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {v: two}\n",
    );
    git("commit", "-qam", "two");

    const { code, stdout } = cli(
      "diff",
      "HEAD~1",
      "HEAD",
      "--repo",
      repo,
      "--format",
      "json",
      "--cluster-path",
      "clusters/c",
    );
    const json = JSON.parse(stdout);

    expect(code).toBe(0);
    expect(json.kustomizations).toEqual([
      expect.objectContaining({ name: "app", change: "modified", files: ["app/cm.yaml"] }),
    ]);
  });

  it("needs two arguments of the same kind", () => {
    expect(cli("diff", join(EXAMPLE, "base")).code).toBe(2);
    expect(cli("diff", join(EXAMPLE, "base"), "HEAD").stderr).toContain(
      "both be directories or both be git revisions",
    );
  });
});

/** Writes `files` (path → text) under `root`. */
function writeTree(root: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const KS = (name: string, path: string, extra = "") =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: "${name}", namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ${path}, sourceRef: {kind: GitRepository, name: flux-system}${extra}}\n`;

describe("cli paper cuts (issue 12)", () => {
  it("diff of two checkouts ignores git's own files: a .git folder, and the .git file of a worktree or submodule", () => {
    const tree = (gitdir: string, value: string) => ({
      ".git": `gitdir: ${gitdir}\n`,
      "vendor/lib/.git": `gitdir: ${gitdir}/modules/lib\n`,
      "nested/.git/HEAD": `${gitdir}\n`,
      "clusters/c/ks.yaml": KS("app", "./app"),
      "app/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {v: ${value}}\n`,
    });
    const base = writeTree(join(tmp, "dotgit-base"), tree("/repo/.git/worktrees/a", "one"));
    const head = writeTree(join(tmp, "dotgit-head"), tree("/repo/.git/worktrees/b", "two"));

    const { report } = computeDiff(base, head, { "cluster-path": ["clusters/c"] });

    expect(report.changedFiles).toEqual([{ path: "app/cm.yaml", status: "modified" }]);
    expect(report.unownedFiles).toEqual([]);
  });

  it("names a --cluster-path that does not exist, as given and where it came from", () => {
    const dir = writeTree(join(tmp, "wrong-cluster-path"), { "clusters/c/ks.yaml": KS("app", "./app") });

    const { code, stdout } = cli("check", dir, "--cluster-path", "./clusters/prod");

    expect(code).toBe(1);
    expect(stdout).toContain(
      'flux-path-not-found  Cluster path "./clusters/prod" (from --cluster-path / clusterPaths in the flux-impact configuration) does not exist in the repository',
    );
    expect(stdout).not.toContain("Kustomization flux-system/flux-system");
  });

  it("says a directory is not a git repository, without git's own fatal: line", () => {
    const dir = join(tmp, "not-a-repo");
    mkdirSync(dir, { recursive: true });
    const ceiling = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = tmp; // git must not find a repository above the temporary folder
    let diff: ReturnType<typeof cli>;
    let check: ReturnType<typeof cli>;
    try {
      diff = cli("diff", "HEAD~1", "HEAD", "--repo", dir);
      check = cli("check", dir, "--rev", "HEAD");
      expect(() => gitChangedFiles(dir, "HEAD~1", "HEAD")).toThrow(`${dir} is not a git repository`);
    } finally {
      if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = ceiling;
    }

    expect(diff.code).toBe(2);
    expect(diff.stderr).toBe(`flux-impact: ${dir} is not a git repository\n`);
    expect(check.code).toBe(2);
    expect(check.stderr).toBe(`flux-impact: ${dir} is not a git repository\n`);
  });

  it("explains a removed or moved-away object with the paths it had at base", () => {
    const hr =
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: default}\nspec: {interval: 1h, chart: {spec: {chart: web, version: 1.0.0, sourceRef: {kind: HelmRepository, name: r, namespace: flux-system}}}}\n";
    const common = {
      "clusters/c/ks.yaml": `${KS("app", "./app")}---\n${KS("db", "./app/db")}`,
      "app/repo.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: r, namespace: flux-system}\nspec: {interval: 1h, url: https://example.org}\n",
    };
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: db, namespace: default}\n";
    const base = writeTree(join(tmp, "moved-base"), { ...common, "app/hr.yaml": hr, "app/db/cm.yaml": cm });
    const head = writeTree(join(tmp, "moved-head"), { ...common, "other/hr.yaml": hr, "other/cm.yaml": cm });

    const { stdout } = cli("diff", base, head, "--format", "json");
    const json = JSON.parse(stdout);
    const why = (list: Array<{ name: string; reasons: string[] }>, name: string) =>
      list.find((x) => x.name === name)?.reasons;

    expect(why(json.helmreleases, "web")).toEqual([
      "no longer applied by Kustomization flux-system/app: app/hr.yaml was renamed to other/hr.yaml",
    ]);
    expect(why(json.kustomizations, "db")).toContain("reads app/db/cm.yaml (renamed to other/cm.yaml)");
    expect(why(json.kustomizations, "app")).toContain("reads app/hr.yaml (renamed to other/hr.yaml)");
  });

  it("shows a Secret named by a template as its template, not elided", () => {
    const dir = writeTree(join(tmp, "template-name"), {
      "clusters/c/ks.yaml": KS("app", "./app"),
      "app/secret.yaml":
        'apiVersion: v1\nkind: Secret\nmetadata: {name: "${APP}-postgres-secret", namespace: default}\nstringData: {password: hunter2hunter2}\n',
    });

    const { stdout } = cli("check", dir);

    expect(stdout).toContain('Kubernetes Secret "${APP}-postgres-secret" has 1 unencrypted value(s)');
    expect(stdout).not.toContain('"…"');
  });
});
