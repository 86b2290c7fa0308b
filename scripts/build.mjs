#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so `npm ci` produces it): bundles the CLI (src/cli/entry.ts, which lazily
 * imports src/cli/main.ts) into dist/cli.js and the Probot server (src/runtime/server.ts) into dist/server.js
 * with esbuild, so `flux-impact` starts without compiling TypeScript.
 *
 * Our own code is bundled; every package from node_modules stays external (`packages: "external"`) and is
 * loaded by Node at run time, so a command only loads what it imports. `splitting` keeps dynamic `import()`s
 * of our own modules lazy (they become chunks under dist/chunks/) and shares code between the two entries.
 * Plain .mjs, run by node: `prepare` must work before tsx is usable and needs no network.
 */
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist");

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: "src/cli/entry.ts", server: "src/runtime/server.ts" },
  outdir,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith(".js"));
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
process.stdout.write(
  `build: ${outputs.map(([file, o]) => `${file.replace(/^.*?dist\//, "dist/")} ${kib(o.bytes)}`).join(", ")}\n`,
);
