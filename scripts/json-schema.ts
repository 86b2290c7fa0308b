/**
 * Writes `flux-impact.schema.json` (the JSON Schema of `.github/flux-impact.yml`) at the repository root
 * from the zod schema, formatted by biome like the rest of the repository. Run `npm run json-schema`
 * after changing `src/core/config/schema.ts`; a test fails while the committed file is stale.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { appConfigJsonSchemaText } from "../src/core/config/index.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = fileURLToPath(new URL("../flux-impact.schema.json", import.meta.url));
writeFileSync(target, appConfigJsonSchemaText());
execFileSync(
  fileURLToPath(new URL("../node_modules/.bin/biome", import.meta.url)),
  ["format", "--write", target],
  {
    cwd: root,
    stdio: "inherit",
  },
);
process.stdout.write(`wrote ${target}\n`);
