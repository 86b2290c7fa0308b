import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { fluxObject, KubernetesApiDouble } from "../support/k8s/api-double.ts";

const root = resolve(import.meta.dirname, "..", "..");
const built = join(root, "dist", "cli.js");
const present = existsSync(built);
if (!present) console.log(`test/cli/built-cli.test.ts: skipped: ${built} not found (run npm run build)`);

const node = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" });

describe.skipIf(!present)("built CLI (dist/cli.js through bin/flux-impact.js)", () => {
  it("--help names every command", () => {
    const out = node("bin/flux-impact.js", "--help");
    for (const command of ["diff", "status", "check", "stale", "graph", "build", "demo", "event-token"]) {
      expect(out).toMatch(new RegExp(`^ {2}${command}\\b`, "m"));
    }
  });

  it("runs dist/cli.js directly too", () => {
    expect(node("dist/cli.js", "--help")).toContain("Usage: flux-impact <command>");
  });

  it("finds the bundled example from dist/ (demo)", () => {
    expect(node("bin/flux-impact.js", "demo")).toContain("flux-impact demo:");
  });

  it("runs the engine from the code cache the build made", () => {
    // Flags the CLI sets for V8 must be the same when the build trains the cache, or V8 refuses it.
    const script = `const cli = await import(${JSON.stringify(pathToFileURL(built).href)}); await cli.loadEngine(); console.log(cli.engineFromCodeCache());`;
    expect(node("--input-type=module", "-e", script).trim()).toBe("true");
  });

  it("talks to a cluster from the bundle, and loads the Kubernetes client only for the cluster", async () => {
    const api = new KubernetesApiDouble();
    const server = await api.start();
    const tmp = mkdtempSync(join(tmpdir(), "flux-impact-built-"));
    try {
      const kubeconfig = join(tmp, "kubeconfig");
      writeFileSync(kubeconfig, api.kubeconfig(server));
      // An ESM hook that reports every module resolved, to see what the engine loads.
      const hooks = join(tmp, "hooks.mjs");
      writeFileSync(
        hooks,
        `import { register } from "node:module";\nregister("data:text/javascript," + encodeURIComponent(\`export async function resolve(s, c, next) { if (s.includes("@kubernetes/client-node")) process.stderr.write(" LOADED client-node "); return next(s, c); }\`));\n`,
      );
      api.fluxObjects.push(fluxObject("Kustomization", "flux-system", "cluster-apps", { ready: true }));
      const run = (...args: string[]) =>
        promisify(execFile)(process.execPath, ["--import", hooks, built, ...args], {
          cwd: root,
          encoding: "utf8",
        }).catch((e: { stdout: string; stderr: string; code: number }) => e);
      const status = await run("status", "examples/homelab/head", "--kubeconfig", kubeconfig);
      expect(status.stdout, status.stderr).toContain("Kustomization  flux-system/cluster-apps  True");
      expect(status.stderr).toContain("LOADED client-node");
      const graph = await run("graph", "examples/homelab/head");
      expect(graph.stdout).toContain("cluster-apps");
      expect(graph.stderr).not.toContain("LOADED client-node");
    } finally {
      await api.stop();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("stops quietly when its reader closes the pipe early (`| head`)", async () => {
    for (const entry of ["bin/flux-impact.js", "dist/cli.js"]) {
      const child = spawn(process.execPath, [entry, "demo"], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      // Close our end before it writes, as `head` does once it has its lines.
      child.stdout.destroy();
      const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
      expect(stderr, entry).not.toMatch(/EPIPE|Error/);
      expect(code, entry).toBe(0);
    }
  });
});
