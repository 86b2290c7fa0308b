#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so `npm ci` produces it): bundles the CLI (src/cli/entry.ts, which lazily
 * imports src/cli/main.ts) into dist/cli.js and the Probot server (src/runtime/server.ts) into dist/server.js
 * with esbuild, so `flux-impact` starts without compiling TypeScript.
 *
 * The server bundles our own code; every package from node_modules stays external (`packages:
 * "external"`) and is loaded by Node at run time. The CLI also bundles the small pure libraries the core
 * reads with (CLI_BUNDLED): Node's loader resolving, reading and compiling their ~150 module files is
 * about 70 ms of every `flux-impact` run (a CLI is started once per command), so they come in the CLI's
 * chunk instead. `splitting` keeps dynamic `import()`s of our own modules lazy (chunks under
 * dist/chunks/), so `--help` loads none of it.
 * Plain .mjs, run by node: `prepare` must work before tsx is usable and needs no network.
 */
import { readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist");

/** What the core imports (src/core/README.md): bundled into the CLI. */
const CLI_BUNDLED = ["yaml", "js-yaml", "zod", "ignore", "re2js", "diff"];

const common = {
  absWorkingDir: root,
  outdir,
  entryNames: "[name]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
};

await rm(outdir, { recursive: true, force: true });
const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
const cli = await build({
  ...common,
  entryPoints: { cli: "src/cli/entry.ts" },
  chunkNames: "chunks/cli-[name]-[hash]",
  external: Object.keys(pkg.dependencies ?? {})
    .filter((d) => !CLI_BUNDLED.includes(d))
    .flatMap((d) => [d, `${d}/*`]),
  // Bundled CommonJS packages require Node's built-ins; an ES module has no `require` of its own.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
});
const server = await build({
  ...common,
  entryPoints: { server: "src/runtime/server.ts" },
  chunkNames: "chunks/server-[name]-[hash]",
  packages: "external",
});
const result = { metafile: { outputs: { ...cli.metafile.outputs, ...server.metafile.outputs } } };

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith(".js"));
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
process.stdout.write(
  `build: ${outputs.map(([file, o]) => `${file.replace(/^.*?dist\//, "dist/")} ${kib(o.bytes)}`).join(", ")}\n`,
);
