import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_YAML_LIMITS, readFully, readYamlDocuments } from "../../src/core/yaml/read-documents.ts";
import { KUSTOMIZE_TAGS, YAML11_TAGS } from "../../src/core/yaml/scalar-schemas.ts";
import { needsFullReader } from "../../src/core/yaml/simple-read.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const corpus = join(shared, "corpus");
const present = existsSync(corpus);
if (!present) console.log(`test/shared/yaml-shortcut-corpus.test.ts: skipped: ${corpus} not found`);

function* yamlFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === ".git") continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* yamlFiles(path);
    else if (e.isFile() && /\.(ya?ml|dis)$/.test(e.name) && statSync(path).size < 2_000_000) yield path;
  }
}

/** What readYamlDocuments returns for `text`, as JSON that keeps key order, -0, NaN and infinities. */
function shape(result: ReturnType<typeof readFully>): string {
  return JSON.stringify(result, (_k, v) =>
    typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0))
      ? `number:${String(v)}/${Object.is(v, -0)}`
      : v,
  );
}

/**
 * The files where the shortcut and yaml's composer disagree (none), for both readings — except where they
 * must: a quoted scalar continued on a line not indented past its key, which yaml refuses ("Missing
 * closing quote") and go-yaml reads (read-documents.ts reads it as go-yaml does; counted in `quoted`).
 */
function disagreements(
  texts: Iterable<[string, string]>,
  quoted: { count: number } = { count: 0 },
): string[] {
  const out: string[] = [];
  for (const [name, text] of texts)
    for (const tags of [KUSTOMIZE_TAGS, YAML11_TAGS]) {
      const read = readYamlDocuments(text, "f.yaml", { tags });
      const fully = readFully(text, "f.yaml", DEFAULT_YAML_LIMITS, { tags });
      if (
        read.ok &&
        !fully.ok &&
        fully.diagnostics.some((d) => /^Missing closing ["']quote/.test(d.message))
      ) {
        quoted.count++;
        continue;
      }
      if (shape(read) !== shape(fully)) out.push(`${name}: ${JSON.stringify(text).slice(0, 300)}`);
    }
  return out;
}

/** A seeded generator of small edits of the kind that break YAML (characters, indentation, lines). */
function mutations(texts: readonly string[], count: number, seed: number): Array<[string, string]> {
  let state = seed;
  const rnd = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const inserts = [
    ...[
      " ",
      ":",
      "-",
      '"',
      "'",
      "#",
      "[",
      "]",
      "{",
      "}",
      ",",
      "|",
      "\n",
      "  ",
      "---\n",
      "...\n",
      "@",
      "`",
      "%",
    ],
    ...[
      "? ",
      ": ",
      "- ",
      "|-\n",
      "\\",
      "~",
      "null",
      "0x1",
      "1e3",
      ".5",
      "true",
      "&a ",
      "*a",
      "!!str ",
      "!foo ",
    ],
    ...["! ", "!=", ">\n", "<<: *a\n", "{a}:", "[a]: ", "\u00a0", "\u2028", "\u0085", "---#"],
    // Literal block scalars open and close around text (their content is not checked for features).
    ...["key: |\n", "- |\n", "|2\n", "  <<: *a\n", "x: |-\n  !!str\n", "a: |\n  [x]: y\n", ": |\n", " |\n"],
  ];
  const out: Array<[string, string]> = [];
  for (let i = 0; i < count; i++) {
    let t = pick(texts);
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
      const at = Math.floor(rnd() * (t.length + 1));
      const r = rnd();
      if (r < 0.3) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 3));
      else if (r < 0.7) t = t.slice(0, at) + pick(inserts) + t.slice(at);
      else {
        const lines = t.split("\n");
        const li = Math.floor(rnd() * lines.length);
        const rr = rnd();
        if (rr < 0.3) lines[li] = ` ${lines[li]}`;
        else if (rr < 0.6) lines[li] = lines[li]!.replace(/^ /, "");
        else lines.splice(li, 0, lines[li]!);
        t = lines.join("\n");
      }
    }
    out.push([`mutation ${i}`, t]);
  }
  return out;
}

/**
 * The YAML shortcut (src/core/yaml/simple-read.ts) against yaml's composer: on every YAML file of the
 * corpora and on seeded mutations of the real repositories' files, both readings give the same
 * documents, lines, sizes and diagnostics — a broken file is reported as before, and a good one reads the
 * same. The shortcut must also be what most files take, or it saves nothing.
 */
describe.skipIf(!present)("the YAML shortcut on the corpora (../shared/corpus)", () => {
  const files = present ? [...yamlFiles(corpus)] : [];
  const texts = files.map((f) => [f.slice(corpus.length + 1), readFileSync(f, "utf8")] as [string, string]);

  it("reads every corpus file as yaml's composer does", () => {
    expect(texts.length).toBeGreaterThan(3000);
    expect(disagreements(texts)).toEqual([]);
    const taken = texts.filter(([, t]) => needsFullReader(t) === undefined).length;
    console.log(`yaml shortcut: ${taken} of ${texts.length} corpus files may take it`);
    expect(taken / texts.length).toBeGreaterThan(0.9);
  });

  it("reports mutated files as yaml's composer does", () => {
    const real = texts.filter(
      ([name, t]) => name.startsWith("real/") && t.length < 3000 && !needsFullReader(t),
    );
    const mutated = mutations(
      real.map(([, t]) => t),
      3000,
      20261207,
    );
    const broken = mutated.filter(([, t]) => !readFully(t, "f.yaml", DEFAULT_YAML_LIMITS).ok).length;
    console.log(`yaml shortcut: ${mutated.length} mutations, ${broken} of them broken YAML`);
    expect(broken).toBeGreaterThan(500);
    const quoted = { count: 0 };
    expect(disagreements(mutated, quoted)).toEqual([]);
    console.log(
      `yaml shortcut: ${quoted.count} readings of a quote continued at a lower indentation, as go-yaml reads it`,
    );
  });
});
