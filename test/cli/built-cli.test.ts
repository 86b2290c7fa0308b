import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..", "..");
const built = join(root, "dist", "cli.js");
const present = existsSync(built);
if (!present) console.log(`test/cli/built-cli.test.ts: skipped: ${built} not found (run npm run build)`);

const node = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" });

describe.skipIf(!present)("built CLI (dist/cli.js through bin/flux-impact.js)", () => {
  it("--help names every command", () => {
    const out = node("bin/flux-impact.js", "--help");
    for (const command of ["diff", "check", "stale", "graph", "build", "demo"]) {
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
