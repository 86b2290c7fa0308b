/**
 * Cases B24–B34: hostile YAML. Each is read twice: with `readYamlDocuments` alone (timed; it must never
 * throw) and as a manifest of a pull request, so the case sees the finding reviewers get.
 */
import { type DiagnosticCode, readYamlDocuments } from "../../../../src/core/index.ts";
import type { OutputSink } from "../types.ts";
import {
  type CaseSpec,
  Checklist,
  emitDiagnostics,
  errorText,
  type Files,
  ms,
  pullRequest,
  quote,
  type Rendered,
  timed,
} from "./common.ts";
import { baseAndHead, configMap, kustomizationOf } from "./fixtures.ts";

/** A pull request adding app `a` whose kustomization lists `files` (plus a healthy ConfigMap). */
function manifestCase(out: OutputSink, files: Files): Rendered {
  const app: Files = {
    "kustomization.yaml": kustomizationOf(["ok.yaml", ...Object.keys(files)]),
    "ok.yaml": configMap("ok", { a: "1" }),
    ...files,
  };
  const { base, head } = baseAndHead({ a: app });
  return pullRequest(out, { base, head });
}

/** readYamlDocuments on its own: its result or what it threw, and how long it took. */
function readDirect(out: OutputSink, text: string) {
  try {
    const { value, ms: took } = timed(() => readYamlDocuments(text, "case.yaml"));
    emitDiagnostics(out, value.diagnostics);
    return { ok: true as const, result: value, ms: took };
  } catch (error) {
    out(errorText(error));
    return { ok: false as const, error, ms: 0 };
  }
}

function direct(c: Checklist, out: OutputSink, text: string, code: DiagnosticCode, maxMs?: number) {
  const read = readDirect(out, text);
  if (!read.ok) {
    c.check(false, `readYamlDocuments threw ${errorText(read.error)}`);
    return;
  }
  const d = read.result.diagnostics.find((x) => x.code === code);
  c.check(
    d !== undefined && !read.result.ok,
    `readYamlDocuments: ${d ? `${d.code} ${quote(d.message)}` : `no ${code} (${read.result.diagnostics.map((x) => x.code).join(", ") || "clean"})`}`,
  );
  // The time is a figure beside its target, never the verdict: a busy machine must not fail a case.
  c.note(
    maxMs === undefined
      ? `in ${ms(read.ms)}`
      : `in ${ms(read.ms)} (target < ${ms(maxMs)}: ${read.ms < maxMs ? "met" : "missed"})`,
  );
}

function inPullRequest(c: Checklist, r: Rendered, code: DiagnosticCode, file: string) {
  const d = r.findings.find((x) => x.code === code && x.file === file);
  c.check(
    d !== undefined && r.report.conclusion === "failure" && r.checkRun.summary.includes(code),
    `pull request: ${d ? `${d.code} at ${d.file}:${d.line ?? "?"}` : `no ${code} finding`}, conclusion ${r.report.conclusion}`,
  );
}

function billionLaughs(): string {
  const lines = [`l0: &l0 [${Array(9).fill('"lol"').join(", ")}]`];
  for (let i = 1; i <= 8; i++)
    lines.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\n`;
}

function quadraticAliases(): string {
  const list = `big: &big [${Array.from({ length: 1000 }, (_, i) => i).join(", ")}]\n`;
  return `${list}refs:\n${Array.from({ length: 1000 }, () => "  - *big").join("\n")}\n`;
}

function blockNesting(levels: number): string {
  let text = "";
  for (let i = 0; i < levels; i++) text += `${" ".repeat(i)}k${i}:\n`;
  return `${text}${" ".repeat(levels)}v\n`;
}

function utf16le(text: string, bom: boolean): Uint8Array {
  const body = Buffer.from(text, "utf16le");
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

function renderedData(r: Rendered, app: string, name: string): Record<string, unknown> | undefined {
  const ks = r.report.kustomizations.find((k) => k.name === app);
  const diff = ks?.objects.find((o) => o.ref.name === name);
  return diff ? { diff: diff.diff } : undefined;
}

export const yamlCases: CaseSpec[] = [
  {
    id: "B24",
    group: "bad-input",
    name: "Billion laughs",
    expected:
      'yaml-alias-limit ("expands more than 100 aliases") in < 100 ms, never an exception; check fails',
    run({ out }) {
      const c = new Checklist();
      direct(c, out, billionLaughs(), "yaml-alias-limit", 100);
      inPullRequest(
        c,
        manifestCase(out, { "lol.yaml": billionLaughs() }),
        "yaml-alias-limit",
        "apps/a/lol.yaml",
      );
      return c.verdict();
    },
  },
  {
    id: "B25",
    group: "bad-input",
    name: "Quadratic aliases (1,000 aliases to a 1,000-item list)",
    expected: "yaml-alias-limit, the same error as B24, in < 1 s",
    run({ out }) {
      const c = new Checklist();
      direct(c, out, quadraticAliases(), "yaml-alias-limit", 1000);
      inPullRequest(
        c,
        manifestCase(out, { "quad.yaml": quadraticAliases() }),
        "yaml-alias-limit",
        "apps/a/quad.yaml",
      );
      return c.verdict();
    },
  },
  {
    id: "B26",
    group: "bad-input",
    name: "[ × 5,000 nesting",
    expected:
      "The parser's RESOURCE_EXHAUSTION error, reported as yaml-too-deep; never a thrown RangeError (also at 50,000 levels)",
    run({ out }) {
      const c = new Checklist();
      const deep = `${"[".repeat(5000)}${"]".repeat(5000)}\n`;
      direct(c, out, deep, "yaml-too-deep");
      direct(c, out, `a: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`, "yaml-too-deep", 2000);
      inPullRequest(c, manifestCase(out, { "deep.yaml": deep }), "yaml-too-deep", "apps/a/deep.yaml");
      return c.verdict();
    },
  },
  {
    id: "B27",
    group: "bad-input",
    name: "200-level block nesting",
    expected:
      'yaml-too-deep ("nests deeper than 64 levels", the depth cap) before any recursive walker sees it',
    run({ out }) {
      const c = new Checklist();
      direct(c, out, blockNesting(200), "yaml-too-deep");
      inPullRequest(
        c,
        manifestCase(out, { "nest.yaml": blockNesting(200) }),
        "yaml-too-deep",
        "apps/a/nest.yaml",
      );
      return c.verdict();
    },
  },
  {
    id: "B28",
    group: "bad-input",
    name: "A 2 MiB YAML file",
    expected:
      'file-too-large ("larger than 1048576 bytes and was not parsed", the 1 MiB per-file limit); other Kustomizations still analyzed',
    run({ out }) {
      const c = new Checklist();
      const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: ${"x".repeat(2 * 1024 * 1024)}\n`;
      const r = manifestCase(out, { "big.yaml": big });
      inPullRequest(c, r, "file-too-large", "apps/a/big.yaml");
      const d = r.findings.find((x) => x.code === "file-too-large");
      if (d) c.note(quote(d.message));
      const other = r.report.kustomizations.find((k) => k.name === "a");
      c.check(
        other?.objects.some((o) => o.ref.name === "ok") === true,
        "the app's other file (ok.yaml) is still analyzed and shown",
      );
      return c.verdict();
    },
  },
  {
    id: "B29",
    group: "bad-input",
    name: "Duplicate keys",
    expected: "yaml-duplicate-key with line and column; fails closed (build failed, check fails)",
    run({ out }) {
      const c = new Checklist();
      const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  a: '1'\n  a: '2'\n";
      const read = readDirect(out, text);
      const d = read.ok ? read.result.diagnostics.find((x) => x.code === "yaml-duplicate-key") : undefined;
      c.check(
        d?.line === 7 && d.column !== undefined,
        `readYamlDocuments: ${d ? `${d.code} at ${d.line}:${d.column} ${quote(d.message)}` : "no yaml-duplicate-key"}`,
      );
      const r = manifestCase(out, { "dup.yaml": text });
      inPullRequest(c, r, "yaml-duplicate-key", "apps/a/dup.yaml");
      return c.verdict();
    },
  },
  {
    id: "B30",
    group: "bad-input",
    name: "Multi-document file: empty docs, bare ---, scalar doc, list doc",
    expected:
      "Empty documents skipped, the two mappings read, the scalar and list documents each reported (kustomize-invalid-resource, with their line); no crash",
    run({ out }) {
      const c = new Checklist();
      const text = `---\n---\n# only a comment\n---\n${configMap("m1", { a: "1" })}---\njust a scalar\n---\n- a\n- b\n---\n~\n---\n${configMap("m2", { a: "2" })}`;
      const read = readDirect(out, text);
      const shapes = read.ok
        ? read.result.documents.map((d) =>
            Array.isArray(d.value) ? "list" : typeof d.value === "object" ? "map" : typeof d.value,
          )
        : [];
      c.check(
        read.ok && JSON.stringify(shapes) === JSON.stringify(["map", "string", "list", "map"]),
        `readYamlDocuments: documents ${shapes.join(", ") || "none"}`,
      );
      const r = manifestCase(out, { "multi.yaml": text });
      const invalid = r.findings.filter(
        (d) => d.code === "kustomize-invalid-resource" && d.file === "apps/a/multi.yaml",
      );
      c.check(
        invalid.length === 2 && invalid.every((d) => d.line !== undefined),
        `pull request: ${invalid.length} kustomize-invalid-resource (lines ${invalid.map((d) => d.line).join(", ")})`,
      );
      return c.verdict();
    },
  },
  {
    id: "B31",
    group: "bad-input",
    name: "Invalid UTF-8, NUL bytes, UTF-16LE with and without BOM",
    expected: 'file-not-utf8 ("binary or not valid UTF-8") for each; none is parsed',
    run({ out }) {
      const c = new Checklist();
      const cm = configMap("u", { a: "1" });
      const files: Files = {
        "latin1.yaml": Uint8Array.from([...Buffer.from("a: caf"), 0xe9, 0x0a]),
        "nul.yaml": `a: b\0c\n`,
        "utf16.yaml": utf16le(cm, false),
        "utf16-bom.yaml": utf16le(cm, true),
      };
      const r = manifestCase(out, files);
      for (const name of Object.keys(files)) {
        const d = r.findings.find((x) => x.code === "file-not-utf8" && x.file === `apps/a/${name}`);
        c.check(d !== undefined, `${name}: ${d ? quote(d.message) : "no file-not-utf8"}`);
      }
      const parsed =
        r.report.kustomizations.find((k) => k.name === "a")?.objects.filter((o) => o.ref.name === "u") ?? [];
      c.check(parsed.length === 0, `${parsed.length} objects read from them`);
      return c.verdict();
    },
  },
  {
    id: "B32",
    group: "bad-input",
    name: "!!js/function, !vault and unknown tags",
    expected: "yaml-unknown-tag warning per tag; each value read as a plain string; nothing evaluated",
    run({ out }) {
      const c = new Checklist();
      const text =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tags\n  namespace: default\ndata:\n  f: !!js/function 'function () { globalThis.pwned = 1 }'\n  v: !vault secret/data/x\n  u: !whatever plain\n";
      const read = readDirect(out, text);
      const warnings = read.ok ? read.result.diagnostics.filter((d) => d.code === "yaml-unknown-tag") : [];
      const data = read.ok
        ? ((read.result.documents[0]?.value as { data?: Record<string, unknown> } | undefined)?.data ?? {})
        : {};
      c.check(warnings.length === 3, `${warnings.length} yaml-unknown-tag warnings`);
      c.check(
        Object.values(data).length === 3 && Object.values(data).every((v) => typeof v === "string"),
        `values: ${Object.values(data)
          .map((v) => typeof v)
          .join(", ")}`,
      );
      const r = manifestCase(out, { "tags.yaml": text });
      const shownWarnings = r.findings.filter((d) => d.code === "yaml-unknown-tag");
      c.check(
        shownWarnings.length === 3,
        `pull request: ${shownWarnings.length} warnings, conclusion ${r.report.conclusion}`,
      );
      c.check(!("pwned" in globalThis), "nothing evaluated");
      return c.verdict();
    },
  },
  {
    id: "B33",
    group: "bad-input",
    name: "__proto__ / constructor keys in patches",
    expected:
      "No prototype pollution; the keys stay plain data (own properties) or the patch is rejected with a diagnostic",
    run({ out }) {
      const c = new Checklist();
      const protoNames = Object.getOwnPropertyNames(Object.prototype).sort().join();
      const smp =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n  __proto__:\n    polluted: smp\ndata:\n  __proto__: x\n  constructor:\n    prototype:\n      polluted: smp2\n";
      const json6902 =
        "- op: add\n  path: /metadata/__proto__/polluted\n  value: json\n- op: add\n  path: /__proto__/polluted2\n  value: json2\n";
      const kustomization = kustomizationOf(
        ["cm.yaml"],
        `patches:\n  - path: smp.yaml\n  - target:\n      kind: ConfigMap\n    patch: |-\n${json6902.replace(/^/gm, "      ")}\n`,
      );
      const r = manifestCase(out, {
        "kustomization.yaml": kustomization,
        "cm.yaml": configMap("a", { v: "1" }),
        "smp.yaml": smp,
      });
      const probe: Record<string, unknown> = {};
      const clean =
        Object.getOwnPropertyNames(Object.prototype).sort().join() === protoNames &&
        probe.polluted === undefined &&
        probe.polluted2 === undefined;
      c.check(clean, clean ? "Object.prototype unchanged" : "Object.prototype was polluted");
      const diff = renderedData(r, "a", "a");
      const asData = typeof diff?.diff === "string" && diff.diff.includes("__proto__");
      const rejected = r.findings.filter((d) => d.code === "kustomize-patch-invalid");
      c.check(
        asData || rejected.length > 0,
        `${asData ? "__proto__ kept as a data key in the rendered object" : "not in the output"}; ${rejected.length} patch rejected (${rejected.map((d) => quote(d.message, 90)).join(", ")})`,
      );
      return c.verdict();
    },
  },
  {
    id: "B34",
    group: "bad-input",
    name: "<<: merge keys and `on: yes` scalars",
    expected:
      "Documented kustomize semantics (README/scalar-schemas: `<<` merges, `yes`/`on` stay strings) and an ambiguity warning",
    run({ out }) {
      const c = new Checklist();
      const text =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merge\n  namespace: default\n  labels: &shared\n    team: web\ndata:\n  <<: *shared\n  on: yes\n  enabled: no\n";
      const read = readDirect(out, text);
      const data = read.ok
        ? ((read.result.documents[0]?.value as { data?: Record<string, unknown> } | undefined)?.data ?? {})
        : {};
      c.check(data.team === "web" && !("<<" in data), `<< merged (data.team = ${JSON.stringify(data.team)})`);
      c.check(
        data.on === "yes" && data.enabled === "no",
        `on: ${JSON.stringify(data.on)}, enabled: ${JSON.stringify(data.enabled)} (strings)`,
      );
      const r = manifestCase(out, { "merge.yaml": text });
      const warning = r.findings.find((d) => d.file === "apps/a/merge.yaml");
      c.check(
        warning !== undefined,
        warning
          ? `warning ${warning.code}: ${quote(warning.message)}`
          : "no ambiguity warning for `<<` or `on: yes`",
      );
      return c.verdict();
    },
  },
];
