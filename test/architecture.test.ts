/**
 * The import graph follows the layout (src/core/README.md, test/support/README.md). biome.json's
 * noRestrictedImports rules catch most violations in the editor, but they match import specifiers as
 * written; this test resolves every relative import of src/, netlify/, scripts/ and test/ to a file and
 * checks the rules on the resolved paths — including the ones a specifier pattern cannot express (a
 * `../../core/…` from test/support/ is test/core/, not src/core/).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

/** The core's public entry points: the only core modules code outside the core may import. */
const ENTRY_POINTS = new Set([
  "src/core/index.ts",
  "src/core/report/index.ts",
  "src/core/config/index.ts",
  "src/core/maintenance/index.ts",
  "src/core/secrets/index.ts",
  "src/core/deploy/index.ts",
  "src/core/helm/index.ts",
]);

/** The adapters around the core: the I/O (src/core/README.md). */
const ADAPTERS = ["src/cli", "src/github", "src/runtime", "src/charts"];

const SOURCE = /\.(ts|mts|mjs)$/;
/** `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`. */
const SPECIFIERS = [
  /(?:^|[^\w$.])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"']+)["']/g,
  /(?:^|[^\w$.])import\(\s*["']([^"']+)["']\s*\)/g,
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = posix.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules") out.push(...sourceFiles(path));
    } else if (SOURCE.test(e.name)) out.push(path);
  }
  return out;
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import, resolved to a repository path. */
function importGraph(): Edge[] {
  const edges: Edge[] = [];
  for (const from of ["src", "netlify", "scripts", "test"].flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, from), "utf8");
    for (const pattern of SPECIFIERS) {
      for (const m of text.matchAll(pattern)) {
        const spec = m[1] ?? "";
        if (!spec.startsWith(".")) continue;
        const to = relative(ROOT, join(ROOT, dirname(from), spec))
          .split(sep)
          .join("/");
        edges.push({ from, to });
      }
    }
  }
  return edges;
}

const edges = importGraph();
const under = (path: string, ...dirs: string[]) => dirs.some((d) => path.startsWith(`${d}/`));
const shown = (list: Edge[]) => list.map((e) => `${e.from} -> ${e.to}`);
const isTest = (path: string) => path.endsWith(".test.ts");

describe("the import graph", () => {
  it("sees the imports (sanity check of the parser)", () => {
    expect(edges.length).toBeGreaterThan(1000);
    expect(edges).toContainEqual({ from: "src/cli/main.ts", to: "src/core/index.ts" });
  });

  it("the core imports only the core, and its own files rather than its entry points", () => {
    const core = edges.filter((e) => under(e.from, "src/core"));
    expect(shown(core.filter((e) => !under(e.to, "src/core")))).toEqual([]);
    expect(shown(core.filter((e) => ENTRY_POINTS.has(e.to)))).toEqual([]);
  });

  it("every folder of src/ besides the core is one of the adapters these rules know", () => {
    const folders = readdirSync(join(ROOT, "src"), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== "core")
      .map((e) => `src/${e.name}`);
    expect(folders.sort()).toEqual([...ADAPTERS].sort());
  });

  it("adapters, netlify/, scripts/ and test/support/ reach the core only through its entry points", () => {
    const outside = edges.filter((e) => under(e.from, ...ADAPTERS, "netlify", "scripts", "test/support"));
    expect(shown(outside.filter((e) => under(e.to, "src/core") && !ENTRY_POINTS.has(e.to)))).toEqual([]);
  });

  it("the application (src/, netlify/) imports nothing from scripts/ or test/", () => {
    const app = edges.filter((e) => under(e.from, "src", "netlify"));
    expect(shown(app.filter((e) => under(e.to, "scripts", "test")))).toEqual([]);
  });

  it("nothing imports an entry point of scripts/", () => {
    expect(shown(edges.filter((e) => under(e.to, "scripts")))).toEqual([]);
  });

  it("test/support/ imports nothing from scripts/ or from test/ outside test/support/", () => {
    const support = edges.filter((e) => under(e.from, "test/support"));
    expect(
      shown(
        support.filter(
          (e) => under(e.to, "scripts") || (under(e.to, "test") && !under(e.to, "test/support")),
        ),
      ),
    ).toEqual([]);
  });

  it("scripts/ imports test code only from test/support/", () => {
    const scripts = edges.filter((e) => under(e.from, "scripts"));
    expect(shown(scripts.filter((e) => under(e.to, "test") && !under(e.to, "test/support")))).toEqual([]);
  });

  it("outside test/support/, test/ holds tests and, under test/core/, helpers only test/core/ uses", () => {
    const helpers = sourceFiles("test").filter((f) => !isTest(f) && !under(f, "test/support"));
    expect(helpers.filter((f) => !under(f, "test/core"))).toEqual([]);
    const helperSet = new Set(helpers);
    expect(shown(edges.filter((e) => helperSet.has(e.to) && !under(e.from, "test/core")))).toEqual([]);
  });
});
