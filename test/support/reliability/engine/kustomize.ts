/**
 * Cases B35–B41: hostile kustomizations and Flux objects — escapes, remote resources (under the egress
 * guard: zero outbound connections), resource and dependsOn cycles, missing paths, render budgets, and
 * everything that would execute or download something.
 */
import {
  type CaseSpec,
  Checklist,
  type Files,
  findingsOf,
  ms,
  pullRequest,
  quote,
  type Rendered,
  timed,
} from "./common.ts";
import { baseAndHead, configMap, fluxKustomization, helmRelease, kustomizationOf } from "./fixtures.ts";
import { withEgressGuard } from "./guard.ts";

function messages(r: Rendered, code: Parameters<typeof findingsOf>[1]): string[] {
  return findingsOf(r, code).map((d) => d.message);
}

function guardChecks(c: Checklist, guard: { armed: boolean; connections: string[]; processes: string[] }) {
  c.check(
    guard.armed,
    guard.armed ? "egress guard armed (caught its own probes)" : "egress guard did not catch its probes",
  );
  c.check(
    guard.connections.length === 0,
    `${guard.connections.length} outbound connection attempts${guard.connections.length ? `: ${guard.connections.join(", ")}` : ""}`,
  );
  c.check(
    guard.processes.length === 0,
    `${guard.processes.length} processes started${guard.processes.length ? `: ${guard.processes.join(", ")}` : ""}`,
  );
}

/** A diamond of kustomizations: every directory of level i includes both directories of level i + 1. */
function diamond(levels: number): Files {
  const files: Files = { "kustomization.yaml": kustomizationOf(["d0a", "d0b"]) };
  for (let i = 0; i < levels; i++) {
    const next = i + 1 < levels ? [`../d${i + 1}a`, `../d${i + 1}b`] : [];
    for (const side of ["a", "b"])
      files[`d${i}${side}/kustomization.yaml`] = next.length ? kustomizationOf(next) : "resources: []\n";
  }
  return files;
}

/** One kustomization listing `n` files of three ConfigMaps each. */
function wide(n: number): Files {
  const files: Files = {
    "kustomization.yaml": kustomizationOf(Array.from({ length: n }, (_, i) => `r/${i}.yaml`)),
  };
  for (let i = 0; i < n; i++)
    files[`r/${i}.yaml`] = [0, 1, 2].map((j) => configMap(`c${i}-${j}`, { v: String(j) })).join("---\n");
  return files;
}

export const kustomizeCases: CaseSpec[] = [
  {
    id: "B35",
    group: "bad-input",
    name: "resources: [../../../../etc] and an absolute path",
    expected:
      'path-escapes-root ("resolves outside the repository root") for each, naming the entry; nothing read outside',
    run({ out }) {
      const c = new Checklist();
      const { base, head } = baseAndHead({
        a: {
          "kustomization.yaml": kustomizationOf(
            ["../../../../etc", "/etc/passwd", "ok.yaml"],
            "configMapGenerator:\n  - name: g\n    files:\n      - ../../../../../etc/hostname\n",
          ),
          "ok.yaml": configMap("ok", { a: "1" }),
        },
      });
      const r = pullRequest(out, { base, head });
      const found = messages(r, "path-escapes-root");
      for (const entry of ["../../../../etc", "/etc/passwd", "../../../../../etc/hostname"]) {
        const m = found.find((x) => x.includes(`"${entry}"`));
        c.check(m !== undefined, m ? quote(m) : `no path-escapes-root for ${entry}`);
      }
      c.check(r.report.conclusion === "failure", `conclusion ${r.report.conclusion}`);
      return c.verdict();
    },
  },
  {
    id: "B36",
    group: "bad-input",
    name: "Remote resources (https, 169.254.169.254, git@, github.com/o/r//p?ref=)",
    expected:
      'kustomize-remote-resource ("is not rendered (never fetched)") for each; zero outbound connections (egress guard on fetch, sockets, DNS)',
    run({ out }) {
      const c = new Checklist();
      const remote = [
        "https://raw.githubusercontent.com/example/x/main/deploy.yaml",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "git@github.com:example/y",
        "github.com/example/r//deploy?ref=v1",
      ];
      const { base, head } = baseAndHead({
        a: {
          "kustomization.yaml": kustomizationOf(
            [...remote, "ok.yaml"],
            "components:\n  - https://example.com/component\n",
          ),
          "ok.yaml": configMap("ok", { a: "1" }),
        },
      });
      const guard = withEgressGuard(() => pullRequest(out, { base, head }));
      const found = messages(guard.value, "kustomize-remote-resource");
      for (const entry of remote) {
        const m = found.find((x) => x.includes(entry));
        c.check(m !== undefined, m ? quote(m, 120) : `no kustomize-remote-resource for ${entry}`);
      }
      c.check(
        found.some((m) => m.includes("https://example.com/component")),
        "remote component reported too",
      );
      guardChecks(c, guard);
      return c.verdict();
    },
  },
  {
    id: "B37",
    group: "bad-input",
    name: "Kustomization including itself, and an A → B → A cycle",
    expected: 'kustomize-resource-cycle "cycle detected: A → B → A" naming the directories; no hang',
    run({ out }) {
      const c = new Checklist();
      const { base, head } = baseAndHead({
        self: {
          "kustomization.yaml": kustomizationOf([".", "ok.yaml"]),
          "ok.yaml": configMap("self", { a: "1" }),
        },
        loop: {
          "kustomization.yaml": kustomizationOf(["a"]),
          "a/kustomization.yaml": kustomizationOf(["../b"]),
          "b/kustomization.yaml": kustomizationOf(["../a"]),
        },
      });
      const { value: r, ms: took } = timed(() => pullRequest(out, { base, head }));
      const found = messages(r, "kustomize-resource-cycle");
      const self = found.find((m) => m.includes("apps/self → apps/self"));
      const loop = found.find((m) => /apps\/loop\/(a|b) → apps\/loop\/(a|b) → apps\/loop\/(a|b)/.test(m));
      c.check(self !== undefined, self ? quote(self) : "self-include not reported");
      c.check(loop !== undefined, loop ? quote(loop) : "A → B → A not reported");
      c.note(`in ${ms(took)} (target < 5 s: ${took < 5000 ? "met" : "missed"})`);
      return c.verdict();
    },
  },
  {
    id: "B38",
    group: "bad-input",
    name: "Flux dependsOn cycle between two Kustomizations",
    expected: "graph-depends-on-cycle naming both (x → y → x); the check fails",
    run({ out }) {
      const c = new Checklist();
      const { base, head } = baseAndHead(
        {},
        {
          "clusters/home/pair.yaml": `${fluxKustomization("x", "apps/x", "  dependsOn:\n    - name: y\n")}---\n${fluxKustomization("y", "apps/y", "  dependsOn:\n    - name: x\n")}`,
          "apps/x/cm.yaml": configMap("x", { a: "1" }),
          "apps/y/cm.yaml": configMap("y", { a: "1" }),
        },
      );
      const r = pullRequest(out, { base, head });
      const m = messages(r, "graph-depends-on-cycle")[0];
      c.check(
        m !== undefined &&
          /flux-system\/x → flux-system\/y → flux-system\/x|flux-system\/y → flux-system\/x → flux-system\/y/.test(
            m,
          ),
        m ? quote(m) : "no cycle finding",
      );
      c.check(r.report.conclusion === "failure", `conclusion ${r.report.conclusion}`);
      return c.verdict();
    },
  },
  {
    id: "B39",
    group: "bad-input",
    name: "Missing file, and a directory without a kustomization",
    expected: "kustomize-missing-path and kustomize-missing-kustomization, each naming the exact path",
    run({ out }) {
      const c = new Checklist();
      const { base, head } = baseAndHead({
        a: {
          "kustomization.yaml": kustomizationOf(["missing.yaml", "plain"]),
          "plain/cm.yaml": configMap("p", { a: "1" }),
        },
      });
      const r = pullRequest(out, { base, head });
      const missing = messages(r, "kustomize-missing-path").find((m) => m.includes("apps/a/missing.yaml"));
      const noKustomization = messages(r, "kustomize-missing-kustomization").find((m) =>
        m.includes("apps/a/plain"),
      );
      c.check(missing !== undefined, missing ? quote(missing) : "missing file not named");
      c.check(
        noKustomization !== undefined,
        noKustomization ? quote(noKustomization) : "directory not named",
      );
      return c.verdict();
    },
  },
  {
    id: "B40",
    group: "bad-input",
    name: "Diamond fan-out (2^20 expansions) and 10,000 resource entries",
    expected:
      'kustomize-budget-exceeded "Render budget exceeded (expansions=…, limit=50000)" for the diamond and "(resources=…, limit=20000)" for 10,000 entries × 3 objects; bounded time',
    run({ out }) {
      const c = new Checklist();
      const { base, head } = baseAndHead({ diamond: diamond(20), wide: wide(10_000) });
      const { value: r, ms: took } = timed(() => pullRequest(out, { base, head }));
      const found = messages(r, "kustomize-budget-exceeded");
      const expansions = found.find((m) => /expansions=\d+, limit=50000/.test(m));
      const resources = found.find((m) => /resources=\d+, limit=20000/.test(m));
      c.check(
        expansions !== undefined,
        expansions ? quote(expansions) : `diamond: ${found.length ? quote(found[0]!) : "no budget finding"}`,
      );
      c.check(
        resources !== undefined,
        resources ? quote(resources) : "10,000 entries: no resources budget finding",
      );
      c.note(`in ${ms(took)} (target < 20 s: ${took < 20_000 ? "met" : "missed"})`);
      return c.verdict();
    },
  },
  {
    id: "B41",
    group: "bad-input",
    name: "helmCharts, exec generators/transformers, a HelmRelease, a remote GitRepository",
    expected:
      'kustomize-unsupported for helmCharts ("refused by Flux") and for the exec generator and transformer (not builtin: "external plugins disabled"); the remote-source Kustomization "not rendered" (flux-source-external); the HelmRelease shown by chart and values only (the project never templates charts); nothing executed or fetched',
    run({ out }) {
      const c = new Checklist();
      const execFn =
        "apiVersion: example.com/v1\nkind: Exec\nmetadata:\n  name: run\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: /bin/sh\n";
      const releaseYaml = helmRelease("    replicas: 2\n");
      const remoteSource = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: elsewhere
  namespace: flux-system
spec:
  interval: 1h
  url: https://github.com/attacker/payload
  ref:
    branch: main
---
${fluxKustomization("remote", "deploy").replace("name: flux-system\n", "name: elsewhere\n")}`;
      const { base, head } = baseAndHead(
        {
          a: {
            "kustomization.yaml": kustomizationOf(
              ["ok.yaml", "release.yaml"],
              "helmCharts:\n  - name: web\n    repo: https://charts.example.com\n    version: 1.0.0\ngenerators:\n  - exec.yaml\ntransformers:\n  - exec.yaml\n",
            ),
            "ok.yaml": configMap("ok", { a: "1" }),
            "exec.yaml": execFn,
            "release.yaml": releaseYaml,
          },
        },
        { "clusters/home/remote.yaml": remoteSource },
      );
      const guard = withEgressGuard(() => pullRequest(out, { base, head }));
      const r = guard.value;
      const unsupported = messages(r, "kustomize-unsupported");
      for (const [what, pattern] of [
        ["helmCharts", /helmCharts/],
        ["generators", /^generators: Exec .*external plugins disabled/],
        ["transformers", /^transformers: Exec .*external plugins disabled/],
      ] as const) {
        const m = unsupported.find((x) => pattern.test(x));
        c.check(m !== undefined, `${what}: ${m ? quote(m, 90) : "not reported"}`);
      }
      const external = messages(r, "flux-source-external").find((m) => m.includes("flux-system/remote"));
      c.check(
        external !== undefined,
        external ? quote(external, 120) : "remote GitRepository Kustomization not reported",
      );
      const release = r.report.helmReleases.find((h) => h.name === "web");
      c.check(
        release !== undefined,
        release
          ? `HelmRelease default/web shown (${release.change}, chart ${JSON.stringify(release.chart ?? {})})`
          : "HelmRelease not shown",
      );
      guardChecks(c, guard);
      return c.verdict();
    },
  },
];
