#!/usr/bin/env node
// Runs the built CLI (dist/cli.js, made by `npm run build`, which `npm ci` runs as `prepare`). In a clone
// where the build has not run, falls back to the TypeScript sources through tsx's loader, so nothing breaks.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli.js", import.meta.url);
let main;
let processIo;
if (existsSync(built)) {
  ({ main, processIo } = await import(built.href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main, processIo } = await import("../src/cli/entry.ts"));
}
process.exitCode = await main(process.argv.slice(2), processIo());
