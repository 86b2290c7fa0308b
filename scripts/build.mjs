#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so `npm ci` produces it): bundles the CLI and the Probot server
 * (src/runtime/server.ts, to dist/server.js) with esbuild, so `flux-impact` starts without compiling
 * TypeScript.
 *
 * The CLI is two files. dist/cli.js (src/cli/entry.ts) parses the arguments and answers `--help` alone.
 * Every other command loads dist/cli-engine.cjs (src/cli/main.ts with the core), a CommonJS bundle that
 * src/cli/engine-bundled.ts runs through `vm.Script` with V8's code cache: the build runs the bundled
 * example through the engine once and saves what V8 compiled (dist/cli-engine.v8-cache), so a command
 * does not parse and compile 1.5 MB of JavaScript again. That was about 70 ms of every run (the median of
 * 5 runs of `build --all` on onedr0p-home-ops went from 0.61 to 0.54 s).
 *
 * The engine bundle includes the small pure libraries the core reads with (CLI_BUNDLED): Node's loader
 * resolving, reading and compiling their ~150 module files cost about 70 ms more. Every other package
 * from node_modules stays external, as it does in the server (`packages: "external"`).
 * Plain .mjs, run by node: `prepare` must work before tsx is usable and needs no network.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist");

/** What the core imports (src/core/README.md): bundled into the CLI's engine. */
const CLI_BUNDLED = [
  "yaml",
  "js-yaml",
  "zod",
  "ignore",
  "re2js",
  "diff",
  // Helm's rendering and chart unpacking.
  "semver",
  "smol-toml",
  "picomatch",
  "@cfworker/json-schema",
  "ipaddr.js",
  "modern-tar",
];

const common = {
  absWorkingDir: root,
  outdir,
  entryNames: "[name]",
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
};

/** dist/cli.js loads the engine bundle (engine-bundled.ts) where the sources import it (engine.ts). */
const bundledEngine = {
  name: "bundled-engine",
  setup(b) {
    b.onResolve({ filter: /^\.\/engine\.ts$/ }, (args) =>
      args.importer.endsWith(join("src", "cli", "entry.ts"))
        ? { path: join(root, "src", "cli", "engine-bundled.ts") }
        : undefined,
    );
  },
};

await rm(outdir, { recursive: true, force: true });
const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
const cli = await build({
  ...common,
  format: "esm",
  entryPoints: { cli: "src/cli/entry.ts" },
  packages: "external",
  plugins: [bundledEngine],
});
const engine = await build({
  ...common,
  format: "cjs",
  entryPoints: { "cli-engine": "src/cli/main.ts" },
  // Without comments and indentation the bundle is 1.5 MB instead of 2.1 and pure ASCII (esbuild escapes
  // strings; only comments held other characters), which code-cache.ts reads without decoding UTF-8:
  // `build` on an empty folder went from 239 to 221 ms (medians of 9). Names stay, and the source map
  // still maps every position.
  minifyWhitespace: true,
  outExtension: { ".js": ".cjs" },
  external: Object.keys(pkg.dependencies ?? {})
    .filter((d) => !CLI_BUNDLED.includes(d))
    .flatMap((d) => [d, `${d}/*`]),
  // A CommonJS bundle has no import.meta; main.ts only asks for its own location.
  define: { "import.meta.url": "__fluxImpactBundleUrl" },
  banner: { js: 'const __fluxImpactBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
const server = await build({
  ...common,
  format: "esm",
  splitting: true,
  entryPoints: { server: "src/runtime/server.ts" },
  chunkNames: "chunks/server-[name]-[hash]",
  packages: "external",
});
const result = {
  metafile: { outputs: { ...cli.metafile.outputs, ...engine.metafile.outputs, ...server.metafile.outputs } },
};

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => /\.c?js$/.test(file));
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
process.stdout.write(
  `build: ${outputs.map(([file, o]) => `${file.replace(/^.*?dist\//, "dist/")} ${kib(o.bytes)}`).join(", ")}\n`,
);

// Runs the bundled example through the engine the way users run it (`demo`, `check`, `graph`, `build`),
// then saves the code V8 compiled for it. Output is discarded; a failing run fails the build.
const { loadEngine, writeEngineCodeCache } = await import(pathToFileURL(join(outdir, "cli.js")).href);
const { runCli } = await loadEngine();
const example = join(root, "examples", "homelab");
const scratch = mkdtempSync(join(tmpdir(), "flux-impact-build-"));
const quiet = { stdout: () => {}, stderr: () => {} };
try {
  for (const argv of [
    ["demo"],
    ["check", join(example, "head"), "--format", "json"],
    ["graph", join(example, "head")],
    ["build", join(example, "head"), "--all", "--out", scratch],
  ]) {
    const code = runCli(argv, quiet);
    if (code !== 0 && code !== 1) throw new Error(`build: flux-impact ${argv.join(" ")} exited ${code}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (!writeEngineCodeCache()) throw new Error("build: the engine's code cache was not written");
