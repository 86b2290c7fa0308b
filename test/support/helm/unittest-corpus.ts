/**
 * bjw-s' `common` library chart under its own helm-unittest suites (`../shared/corpus/helm/bjw-s-helm-charts`):
 * `common/test-chart` (`common-test`, with `common/` as its `file://../` dependency) rendered by the engine
 * for every test, and each assertion evaluated as helm-unittest v0.8.2 evaluates it (the plugin's version
 * when the suites were recorded passing, June 2025; it links Helm v3.17.3's libraries).
 *
 * What is emulated, from helm-unittest's pkg/unittest (test_suite.go, test_job.go, assertion.go,
 * validators/, valueutils/):
 * - values: the suite's then the test's `values` files (relative to the suite file) merged with
 *   MergeTables (later wins), then the suite's then the test's `set` entries (helm-unittest's own path
 *   syntax, `a.b[0]` and `[a.b]` escapes, any YAML value). Files are read as yaml.v3 reads them (YAML
 *   1.2: `yes` is a string), and the whole passes through JSON (numbers become float64) as Helm's
 *   ReadValues does.
 * - render: ProcessDependencies, CoalesceValues, the values schema, then engine.Render of the suite's
 *   templates and every partial (CopyV3Chart), per template file, unsorted. Release `RELEASE-NAME` in
 *   `NAMESPACE`, revision 0, install unless `release.upgrade`. `.Capabilities`: the test's (or suite's)
 *   `apiVersions` only — helm-unittest replaces Helm's default set with them — and a Kubernetes version
 *   made of the test's, the suite's or the last rendered test's major/minor: helm-unittest writes each
 *   test's version into Helm's global DefaultCapabilities, so a suite without `capabilities` inherits
 *   the version of the test rendered before it (Helm 3.17's v1.20 at the start). Suites therefore run
 *   in helm-unittest's file order (each folder's `*_test.yaml` sorted, then its subfolders).
 * - a failed render: when a test asserts only `failedTemplate`, a template error becomes the document
 *   `{raw: message}` of the failing template (of every suite template when it failed in a partial), the
 *   message cut out of Helm's `execution error at (…): …` by helm-unittest's own pattern; other errors
 *   (the values schema) are matched whole.
 * - documents: each template's output split at `---` and read as yaml.v3 reads it (integers and floats
 *   kept apart, for `equal`'s reflect.DeepEqual), empty documents dropped; `documentIndex` (the test's
 *   overrides the assertion's) and `documentSelector` (the assertion's, else the test's) pick them;
 *   paths are yaml-jsonpath's (`yaml-jsonpath.ts`).
 *
 * The schema: upstream CI dereferences `common/values.schema.json` (bjw-s' `dereference-json-schema`
 * action: json-schema-ref-parser) before running, and `test-chart/values.schema.json` is only
 * `{"$ref": "file://../values.schema.json"}`, which Helm 3.17's gojsonschema reads from the disk; both
 * charts get the dereferenced schema here (`json-schema-deref.ts`). The one script fixture replaced by a
 * placeholder in the corpus is restored in memory from `restore-files.json`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { RE2JS } from "re2js";
import { parseAllDocuments, visit } from "yaml";
import { readChartDirectory } from "../../../src/charts/archive.ts";
import {
  type Chart,
  type ChartFiles,
  coalesceValues,
  loadChart,
  processDependencies,
  RenderError,
  renderChart,
  renderValues,
  validateValuesSchemas,
} from "../../../src/core/helm/index.ts";
import { dereferenceJsonSchema } from "./json-schema-deref.ts";
import { findPath, PathSyntaxError } from "./yaml-jsonpath.ts";

export interface UnittestFailure {
  /** The suite file, relative to `unittests/`. */
  suite: string;
  test: string;
  /** `#INDEX TYPE`, e.g. `#0 equal`. */
  assertion: string;
  detail: string;
}

export interface UnittestCorpusResults {
  suites: number;
  passedAssertions: number;
  totalAssertions: number;
  passedTests: number;
  totalTests: number;
  failed: UnittestFailure[];
  /** Assertions (or whole tests) this runner cannot evaluate, with why; they count as not passed. */
  unsupported: UnittestFailure[];
}

/** Data as yaml.v3 decodes it into `interface{}`: integers are `bigint`, floats `number`. */
type Data = unknown;
type Manifest = Record<string, Data>;

const RELEASE_NAME = "RELEASE-NAME";
const NAMESPACE = "NAMESPACE";
const RAW = "raw";

const isMap = (v: unknown): v is Record<string, Data> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------
// YAML as yaml.v3 reads it

function readYamlDocuments(text: string, where: string): Data[] {
  const docs = parseAllDocuments(text, { version: "1.2", intAsBigInt: true, merge: true, logLevel: "error" });
  const list = Array.isArray(docs) ? docs : [docs];
  const unterminated = text !== "" && !/[\r\n]$/.test(text);
  return list.map((d) => {
    if (d.errors.length) throw new Error(`${where}: ${d.errors[0]!.message}`);
    // libyaml keeps a block scalar's final line break only when there is one: `|` (or `|+`) on the
    // last line of a text that does not end with a line break ends without it; `yaml` adds one.
    if (unterminated)
      visit(d, {
        Scalar(_key, node) {
          if (
            (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") &&
            node.range?.[1] === text.length &&
            typeof node.value === "string" &&
            node.value.endsWith("\n")
          )
            node.value = node.value.slice(0, -1);
        },
      });
    return d.toJS({ maxAliasCount: -1 }) as Data;
  });
}

/** reflect.DeepEqual over yaml.v3 data. */
function deepEqual(a: Data, b: Data): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

function show(v: Data): string {
  const text = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x));
  return text === undefined ? String(v) : text;
}

/** JSON's shape, as sigs.k8s.io/yaml's round trip gives Helm the user values: every number a float64. */
function jsonShape(v: Data): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(jsonShape);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonShape(x)]));
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Values

/** chartutil.MergeTables: `dst` wins, tables merged key by key. Changes `dst`. */
function mergeTables(dst: Record<string, Data>, src: Record<string, Data>): Record<string, Data> {
  for (const [key, val] of Object.entries(src)) {
    if (!Object.hasOwn(dst, key)) dst[key] = val;
    else if (isMap(val) && isMap(dst[key])) mergeTables(dst[key] as Record<string, Data>, val);
  }
  return dst;
}

/** valueutils.BuildValueOfSetPath: `a.b[1]` / `[a.b]` made a nested map holding `value`. */
function buildValueOfSetPath(value: Data, path: string): Record<string, Data> {
  if (path === "") throw new Error("set path is empty");
  const cursors: Array<string | number> = [];
  const illegal = new Set([",", "{", "}", "="]);
  const stop = new Set([".", "[", "]", ",", "{", "}", "="]);
  let state: "key" | "index" | "denotation" | "escaping" = "key";
  let buffered = "";
  let i = 0;
  for (;;) {
    let k = "";
    while (i < path.length && !stop.has(path[i]!)) k += path[i++];
    if (i >= path.length) {
      if (k.length !== 0 && state === "key") cursors.push(k);
      else if (!(k.length === 0 && state === "denotation")) throw new Error("unexpected end of");
      break;
    }
    const last = path[i++]!;
    if (illegal.has(last)) throw new Error(`invalid token found ${last}`);
    if (state === "index") {
      if (last !== "]") throw new Error("missing index value");
      if (!/^[-+]?\d+$/.test(k))
        throw new Error(`strconv.Atoi: parsing ${JSON.stringify(k)}: invalid syntax`);
      cursors.push(Number(k));
      state = "denotation";
    } else if (state === "denotation") {
      if (last === ".") state = "key";
      else if (last === "[") state = "index";
      else throw new Error(`invalid denotation token ${last}`);
    } else if (state === "key") {
      if (last === ".") cursors.push(k);
      else if (last === "[") {
        if (k.length === 0) {
          buffered = "";
          state = "escaping";
        } else {
          cursors.push(k);
          state = "index";
        }
      } else throw new Error(`invalid key ${last}`);
    } else if (last === ".") buffered += `${k}.`;
    else if (last === "]") {
      cursors.push(buffered + k);
      state = "denotation";
    } else throw new Error(`invalid escaping token ${last}`);
  }
  const built: Record<string, Data> = {};
  let current: Record<string, Data> | Data[] = built;
  cursors.forEach((cursor, depth) => {
    const nextCursor = cursors[depth + 1];
    const next: Data =
      depth === cursors.length - 1
        ? value
        : typeof nextCursor === "number"
          ? new Array<Data>(nextCursor + 1).fill(null)
          : {};
    if (typeof cursor === "string") (current as Record<string, Data>)[cursor] = next;
    else (current as Data[])[cursor] = next;
    current = next as Record<string, Data> | Data[];
  });
  return built;
}

// ---------------------------------------------------------------------------------------------------
// Suites

interface DocumentSelector {
  path: string;
  value: Data;
  matchMany: boolean;
  skipEmptyTemplates: boolean;
}

interface Assertion {
  index: number;
  type: string;
  params: Record<string, Data>;
  not: boolean;
  template: string;
  documentIndex: number;
  documentSelector?: DocumentSelector;
}

interface CapabilitiesSpec {
  major: string;
  minor: string;
  /** undefined: `apiVersions` given but null (no list); otherwise the list. */
  apiVersions: string[] | undefined;
}

interface TestJob {
  name: string;
  values: string[];
  set: Record<string, Data>;
  template: string;
  templates: string[];
  documentIndex?: number;
  documentSelector?: DocumentSelector;
  release: { name: string; namespace: string; revision: number; upgrade: boolean };
  chart: { version: string; appVersion: string };
  capabilities: CapabilitiesSpec;
  skip: string;
  asserts: Assertion[];
  unsupported?: string;
}

interface Suite {
  file: string;
  dir: string;
  name: string;
  values: string[];
  set: Record<string, Data>;
  templates: string[];
  excludeTemplates: string[];
  tests: TestJob[];
  unsupported?: string;
}

const str = (v: Data): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const strList = (v: Data): string[] => (Array.isArray(v) ? v.map(str) : []);
const int = (v: Data): number => (typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : 0);
const bool = (v: Data): boolean => v === true;
const map = (v: Data): Record<string, Data> => (isMap(v) ? v : {});

/** convertIToString: a test's capability version, from a YAML int or string. */
const versionString = (v: Data): string =>
  typeof v === "string" ? v : typeof v === "bigint" ? String(v) : "";

function readSelector(v: Data): DocumentSelector | undefined {
  if (!isMap(v)) return undefined;
  return {
    path: str(v.path),
    value: v.value,
    matchMany: bool(v.matchMany),
    skipEmptyTemplates: bool(v.skipEmptyTemplates),
  };
}

const ASSERT_KEYS = new Set(["template", "documentIndex", "not", "documentSelector"]);

function readAssertion(def: Data, index: number): Assertion {
  const d = map(def);
  const types = Object.keys(d).filter((k) => !ASSERT_KEYS.has(k));
  if (types.length !== 1) throw new Error(`assertion #${index}: ${types.length} assertion types`);
  const type = types[0]!;
  let documentSelector: DocumentSelector | undefined;
  if (isMap(d.documentSelector)) {
    if (typeof d.documentSelector.path !== "string")
      throw new Error("empty 'documentSelector.path' not supported");
    if (d.documentSelector.value === null || d.documentSelector.value === undefined)
      throw new Error("empty 'documentSelector.value' not supported");
    documentSelector = readSelector(d.documentSelector);
  }
  // mapstructure matches field names case-insensitively.
  const params: Record<string, Data> = {};
  for (const [k, v] of Object.entries(map(d[type]))) params[k.toLowerCase()] = v;
  return {
    index,
    type,
    params,
    not: d.not === true,
    template: typeof d.template === "string" ? d.template : "",
    documentIndex: typeof d.documentIndex === "bigint" ? Number(d.documentIndex) : -1,
    ...(documentSelector ? { documentSelector } : {}),
  };
}

function readCapabilities(v: Data, suite: CapabilitiesSpec | undefined): CapabilitiesSpec {
  const c = map(v);
  // SetCapabilities: a test without `apiVersions` gets an empty list, a null one none.
  let apiVersions: string[] | undefined = [];
  if (Object.hasOwn(c, "apiVersions")) {
    const a = c.apiVersions;
    if (Array.isArray(a)) apiVersions = a.filter((x): x is string => typeof x === "string");
    else if (a !== null) apiVersions = undefined;
  }
  const own = {
    major: Object.hasOwn(c, "majorVersion") ? versionString(c.majorVersion) : "",
    minor: Object.hasOwn(c, "minorVersion") ? versionString(c.minorVersion) : "",
  };
  if (!suite) return { ...own, apiVersions };
  return {
    major: own.major || suite.major,
    minor: own.minor || suite.minor,
    apiVersions:
      suite.apiVersions?.length && apiVersions !== undefined
        ? [...apiVersions, ...suite.apiVersions]
        : apiVersions,
  };
}

const UNSUPPORTED_KEYS = ["postRenderer", "kubernetesProvider"];

function readSuites(file: string, rel: string): Suite[] {
  const suites: Suite[] = [];
  for (const doc of readYamlDocuments(readFileSync(file, "utf8"), rel)) {
    if (doc === null || doc === undefined) continue;
    const s = map(doc);
    const suiteCaps = map(s.capabilities);
    const caps: CapabilitiesSpec = {
      major: str(suiteCaps.majorVersion),
      minor: str(suiteCaps.minorVersion),
      apiVersions: strList(suiteCaps.apiVersions),
    };
    const release = map(s.release);
    const chart = map(s.chart);
    const suiteSkip = str(map(s.skip).reason);
    const unsupportedSuite = UNSUPPORTED_KEYS.filter((k) => Object.hasOwn(s, k));
    const tests: TestJob[] = (Array.isArray(s.tests) ? s.tests : []).map((raw) => {
      const t = map(raw);
      const tr = map(t.release);
      const tc = map(t.chart);
      const unsupportedTest = UNSUPPORTED_KEYS.filter((k) => Object.hasOwn(t, k));
      return {
        name: str(t.it),
        values: [...strList(s.values), ...strList(t.values)],
        set: map(t.set),
        template: str(t.template),
        templates: strList(t.templates),
        ...(typeof t.documentIndex === "bigint" ? { documentIndex: Number(t.documentIndex) } : {}),
        ...(isMap(t.documentSelector) ? { documentSelector: readSelector(t.documentSelector)! } : {}),
        release: {
          name: str(tr.name) || str(release.name),
          namespace: str(tr.namespace) || str(release.namespace),
          revision: int(tr.revision) || int(release.revision),
          upgrade: bool(tr.upgrade) || bool(release.upgrade),
        },
        chart: {
          version: str(tc.version) || str(chart.version),
          appVersion: str(tc.appVersion) || str(chart.appVersion),
        },
        capabilities: readCapabilities(t.capabilities, caps),
        skip: suiteSkip || str(map(t.skip).reason),
        asserts: (Array.isArray(t.asserts) ? t.asserts : []).map(readAssertion),
        ...(unsupportedTest.length ? { unsupported: `uses ${unsupportedTest.join(", ")}` } : {}),
      };
    });
    suites.push({
      file,
      dir: posix.dirname(file),
      name: str(s.suite),
      values: strList(s.values),
      set: map(s.set),
      templates: strList(s.templates),
      excludeTemplates: strList(s.excludeTemplates),
      tests,
      ...(unsupportedSuite.length ? { unsupported: `uses ${unsupportedSuite.join(", ")}` } : {}),
    });
  }
  return suites;
}

/** GetFiles("unittests/**\/*_test.yaml") as filepathx globs it: a folder's matches sorted, then its subfolders'. */
function suiteFiles(dir: string): string[] {
  const entries = readdirSync(dir).sort();
  const files = entries.filter((e) => e.endsWith("_test.yaml") && statSync(join(dir, e)).isFile());
  const dirs = entries.filter((e) => statSync(join(dir, e)).isDirectory());
  return [...files.map((f) => join(dir, f)), ...dirs.flatMap((d) => suiteFiles(join(dir, d)))];
}

// ---------------------------------------------------------------------------------------------------
// Rendering

/** getTemplateFileName: `templates/` prefixed unless the name starts with templates, charts or `**`. */
const templateFileName = (f: string) =>
  f.startsWith("templates") || f.startsWith("charts") || f.startsWith("**") ? f : posix.join("templates", f);

/** getTemplateFileNamePattern: a suite's template name as the (unanchored) regular expression it is. */
function templatePattern(f: string): RegExp {
  let p = f.replace(/\./g, "\\.").replace(/\+/g, "\\+").replace(/\[/g, "\\[").replace(/\]/g, "\\]");
  p = p.replace(/\*\*/g, "[0-9a-zA-Z_\\-/\\.]+").replace(/\*/g, "[0-9a-zA-Z_\\-_/\\.]*");
  p = p.replace(/\?/g, "\\?").replace(/\(/g, "\\(").replace(/\)/g, "\\)").replace(/\|/g, "\\|");
  p = p.replace(/\{/g, "\\{").replace(/\}/g, "\\}").replace(/\^/g, "\\^").replace(/\$/g, "\\$");
  return new RegExp(p);
}

/** CopyV3Chart: the selected templates (minus the excluded ones) and every partial, chart by chart. */
function filterTemplates(
  chart: Chart,
  chartRoute: string,
  route: string,
  selected: string[],
  excluded: string[],
) {
  const matches = (name: string, files: string[]) =>
    files.some((f) =>
      templatePattern(posix.join(chartRoute, templateFileName(f))).test(posix.join(route, name)),
    );
  const kept = selected.flatMap((f) => chart.templates.filter((t) => matches(t.name, [f])));
  chart.templates = [
    ...kept.filter((t) => !matches(t.name, excluded)),
    ...chart.templates.filter((t) => posix.basename(t.name).startsWith("_")),
  ];
  for (const d of chart.dependencies)
    filterTemplates(d, chartRoute, posix.join(route, "charts", d.metadata.name), selected, excluded);
}

/** helm-unittest's pattern for where a render error happened and what it says (`(?msU)` made lazy). */
const RENDER_ERROR = /^(?:.+?: |.+? \()(?:(.+?):\d+:\d+).+?(?:.+?>)*?: (.+?)$/ms;

function parseRenderError(message: string): { file: string; raw: string } {
  const m = RENDER_ERROR.exec(message);
  if (!m) return { file: "", raw: "" };
  const nl = message.indexOf("\n");
  return { file: m[1]!, raw: nl >= 0 ? message.slice(nl + 1) : m[2]! };
}

/** parseYamlFile: documents split at `---`, read as yaml.v3 reads them into a map, empty ones dropped. */
function parseYamlFile(rendered: string, where: string): Manifest[] {
  const text = rendered.replace(/(?:^|\s*\n)---\s*/g, "\n---\n");
  const out: Manifest[] = [];
  for (const doc of readYamlDocuments(text, where)) {
    if (doc === null || doc === undefined) continue;
    if (!isMap(doc)) throw new Error(`${where}: yaml: cannot unmarshal ${show(doc)} into common.K8sManifest`);
    if (Object.keys(doc).length > 0) out.push(doc);
  }
  return out;
}

const VALID_RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

interface KubeVersion {
  major: string;
  minor: string;
}

interface Rendered {
  /** Documents by template key (`common-test/templates/common.yaml`); absent when the render stopped. */
  outputs?: Map<string, Manifest[]>;
  renderSucceed: boolean;
  renderError?: string;
  /** An error that stops the test before its assertions (helm-unittest's ExecError returned early). */
  fatal?: string;
}

interface Corpus {
  /** The chart as loaded, never rendered: each test renders a copy (the render changes it). */
  chart: Chart;
  /** The Kubernetes version helm-unittest last wrote into Helm's DefaultCapabilities. */
  kube: KubeVersion;
}

function userValues(suite: Suite, t: TestJob): Record<string, Data> {
  let base: Record<string, Data> = {};
  for (const f of t.values) {
    const path = posix.isAbsolute(f) ? f : posix.join(suite.dir, f);
    const docs = readYamlDocuments(readFileSync(path, "utf8"), f);
    const value = docs[0];
    if (value !== null && value !== undefined && !isMap(value))
      throw new Error(`failed to parse ${f}: not a map`);
    base = mergeTables(structuredClone((value ?? {}) as Record<string, Data>), base);
  }
  for (const set of [suite.set, t.set])
    for (const [path, v] of Object.entries(set))
      base = mergeTables(buildValueOfSetPath(structuredClone(v), path), base);
  return jsonShape(base) as Record<string, Data>;
}

function renderTest(
  corpus: Corpus,
  suite: Suite,
  t: TestJob,
  requireRenderSuccess: boolean,
  defaults: string[],
): Rendered {
  let values: Record<string, Data>;
  try {
    values = userValues(suite, t);
  } catch (error) {
    return { renderSucceed: false, fatal: (error as Error).message };
  }
  const chart = structuredClone(corpus.chart);
  const chartRoute = chart.metadata.name;
  const fail = (message: string): Rendered => ({ renderSucceed: false, renderError: message });
  if (t.release.name && (!VALID_RELEASE_NAME.test(t.release.name) || t.release.name.length > 53))
    return fail(
      `invalid release name, must match regex ${VALID_RELEASE_NAME.source} and the length must not be longer than 53`,
    );
  let files: Record<string, string>;
  try {
    processDependencies(chart, values);
    const major = t.capabilities.major || corpus.kube.major;
    const minor = t.capabilities.minor || corpus.kube.minor;
    corpus.kube = { major, minor };
    const coalesced = coalesceValues(chart, values);
    const problems = validateValuesSchemas(chart, coalesced);
    if (problems)
      return fail(
        `values don't meet the specifications of the schema(s) in the following chart(s):\n${problems}`,
      );
    if (defaults.length === 0) defaults.push("**");
    filterTemplates(chart, chartRoute, chartRoute, defaults, suite.excludeTemplates);
    if (t.chart.version) chart.metadata.version = t.chart.version;
    if (t.chart.appVersion) chart.metadata.appVersion = t.chart.appVersion;
    for (const d of chart.dependencies) {
      if (t.chart.version) d.metadata.version = t.chart.version;
      if (t.chart.appVersion) d.metadata.appVersion = t.chart.appVersion;
    }
    const top = renderValues(
      coalesced,
      {
        name: t.release.name || RELEASE_NAME,
        namespace: t.release.namespace || NAMESPACE,
        revision: t.release.revision,
        isUpgrade: t.release.upgrade,
      },
      { kubeVersion: `v${major}.${minor}.0`, apiVersions: t.capabilities.apiVersions ?? [] },
    );
    files = renderChart(chart, top);
  } catch (error) {
    if (!(error instanceof RenderError)) return fail((error as Error).message);
    // translateErrorToOutputFiles
    if (requireRenderSuccess) return fail(error.message);
    const parsed = parseRenderError(error.message);
    if (parsed.file === "" && parsed.raw === "") return fail(error.message);
    const keys = posix.basename(parsed.file).startsWith("_")
      ? defaults.map((f) => posix.join(chartRoute, templateFileName(f)))
      : [parsed.file];
    return {
      renderSucceed: false,
      outputs: new Map(
        keys.map((k) => [k.startsWith(chartRoute) ? k : posix.join(chartRoute, k), [{ [RAW]: parsed.raw }]]),
      ),
    };
  }
  const outputs = new Map<string, Manifest[]>();
  try {
    for (const [key, text] of Object.entries(files)) {
      const file = key.startsWith(chartRoute) ? key : posix.join(chartRoute, key);
      const ext = posix.extname(file);
      if (ext === ".yaml" || ext === ".yml" || ext === ".tpl") outputs.set(file, parseYamlFile(text, file));
      else if (ext === ".txt") outputs.set(file, [{ [RAW]: text }]);
    }
  } catch (error) {
    return { renderSucceed: true, fatal: (error as Error).message };
  }
  return { renderSucceed: true, outputs };
}

// ---------------------------------------------------------------------------------------------------
// Assertions

interface Context {
  docs: Manifest[];
  selected: Manifest[];
  negative: boolean;
  renderError?: string;
}

type Verdict = { passed: boolean; detail: string };

const pass: Verdict = { passed: true, detail: "" };

/** By assertion type: whether it needs a successful render, whether it negates its validator, and the validator (none: not evaluated by this runner). */
const ASSERT_TYPES: Record<string, { render: boolean; antonym: boolean; validator?: Validator }> = {};

type Validator = (p: Record<string, Data>, c: Context) => Verdict;

function getValues(manifest: Manifest, path: string): Data[] {
  return path === "" ? [manifest] : findPath(manifest, path);
}

/** uniformContent: fmt's %v of a string, spaces before line ends dropped. */
const uniform = (s: string) => s.replace(/ +\r?\n/g, "\n");

/**
 * The shape most validators share: each selected manifest, each value its path finds, all must pass;
 * no value is a failure (`unknown path`) unless negated; no manifest passes only when negated.
 */
function perValue(path: string, c: Context, single: (actual: Data) => Verdict): Verdict {
  let success = false;
  let detail = "";
  c.selected.forEach((m, mi) => {
    let ms: boolean;
    const actuals = getValues(m, path);
    if (actuals.length === 0 && !c.negative) {
      ms = false;
      detail ||= `unknown path ${path}`;
    } else {
      ms = actuals.length === 0 && c.negative;
      actuals.forEach((a, ai) => {
        const v = single(a);
        if (!v.passed) detail ||= v.detail;
        ms = ai === 0 ? v.passed : ms && v.passed;
      });
    }
    success = mi === 0 ? ms : success && ms;
  });
  if (c.selected.length === 0) {
    if (c.negative) return pass;
    return { passed: false, detail: "no manifest found" };
  }
  return { passed: success, detail };
}

/** The shape of exists/isKind/isAPIVersion/equalRaw: each manifest passes or not, all must. */
function perManifest(c: Context, ok: (m: Manifest) => boolean, describe: (m: Manifest) => string): Verdict {
  let success = false;
  let detail = "";
  c.selected.forEach((m, i) => {
    if (ok(m) === c.negative) {
      success = false;
      detail ||= describe(m);
      return;
    }
    success = i === 0 ? true : success;
  });
  if (c.selected.length === 0) return c.negative ? pass : { passed: false, detail: "no manifest found" };
  return { passed: success, detail };
}

const not = (c: Context) => (c.negative ? "NOT " : "");

const equal: Validator = (p, c) => {
  const path = str(p.path);
  return perValue(path, c, (actual) => {
    let a = actual;
    if (typeof actual === "string")
      a = uniform(p.decodebase64 === true ? Buffer.from(actual, "base64").toString("utf8") : actual);
    return deepEqual(p.value, a) === c.negative
      ? { passed: false, detail: `${path}: expected ${not(c)}${show(p.value)}, got ${show(a)}` }
      : pass;
  });
};

const exists: Validator = (p, c) => {
  const path = str(p.path);
  return perManifest(
    c,
    (m) => getValues(m, path).length > 0,
    () => `${path} expected to ${not(c)}exist`,
  );
};

const field =
  (name: string): Validator =>
  (p, c) => {
    const of = str(p.of);
    return perManifest(
      c,
      (m) => typeof m[name] === "string" && m[name] === of,
      (m) => `expected ${name} ${not(c)}${of}, got ${show(m[name])}`,
    );
  };

const subset: Validator = (p, c) => {
  const path = str(p.path);
  return perValue(path, c, (actual) => {
    if (!isMap(actual) || !isMap(p.content))
      return { passed: false, detail: `expect '${path}' to be an object, got ${show(actual)}` };
    const content = p.content;
    const found = Object.keys(content).every((k) => deepEqual(actual[k], content[k]));
    return found === c.negative
      ? {
          passed: false,
          detail: `${path}: expected ${not(c)}to contain ${show(content)}, got ${show(actual)}`,
        }
      : pass;
  });
};

const contains: Validator = (p, c) => {
  const path = str(p.path);
  const any = p.any === true;
  const count = p.count === undefined || p.count === null ? undefined : int(p.count);
  return perValue(path, c, (actual) => {
    if (!Array.isArray(actual))
      return { passed: false, detail: `expect '${path}' to be an array, got ${show(actual)}` };
    let found = false;
    let n = 0;
    for (const e of actual) {
      let isArray = false;
      if (any) {
        if (isMap(e) && isMap(p.content)) {
          const content = p.content;
          if (Object.keys(content).every((k) => deepEqual(e[k], content[k]))) {
            found = true;
            n++;
          }
        } else isArray = true;
      }
      if ((!any || isArray) && deepEqual(e, p.content)) {
        found = true;
        n++;
      }
    }
    const ok = count === undefined ? found : found && n === count;
    return ok === c.negative
      ? {
          passed: false,
          detail: `${path}: expected ${not(c)}to contain ${show(p.content)}${count === undefined ? "" : ` ${count} times (found ${n})`}, got ${show(actual)}`,
        }
      : pass;
  });
};

const matchRegex: Validator = (p, c) => {
  const path = str(p.path);
  const pattern = str(p.pattern);
  if (pattern === "") return { passed: false, detail: "expected field 'pattern' to be filled" };
  const re = RE2JS.compile(pattern);
  return perValue(path, c, (actual) => {
    if (typeof actual !== "string")
      return { passed: false, detail: `expect '${path}' to be a string, got ${show(actual)}` };
    const s = p.decodebase64 === true ? Buffer.from(actual, "base64").toString("utf8") : actual;
    return re.matcher(s).find() === c.negative
      ? { passed: false, detail: `${path}: expected ${show(s)} ${not(c)}to match ${pattern}` }
      : pass;
  });
};

const nullOrEmpty: Validator = (p, c) => {
  const path = str(p.path);
  return perValue(path, c, (a) => {
    const empty =
      a === null ||
      a === undefined ||
      (Array.isArray(a)
        ? a.length === 0
        : isMap(a)
          ? Object.keys(a).length === 0
          : a === "" || a === 0n || a === 0 || a === false);
    return empty === c.negative
      ? { passed: false, detail: `${path}: expected ${not(c)}to be null or empty, got ${show(a)}` }
      : pass;
  });
};

const lengthEqual: Validator = (p, c) => {
  const path = str(p.path);
  const paths = strList(p.paths);
  const count = p.count === undefined || p.count === null ? undefined : int(p.count);
  if (path && (count === undefined || count < 0))
    return { passed: false, detail: "'count' field must be set if 'path' is used" };
  if (path && paths.length) return { passed: false, detail: "'paths' couldn't be used with 'path'" };
  const counts = (m: Manifest, q: string): { ok: boolean; detail: string; length: number } => {
    const actuals = getValues(m, q);
    let ok = actuals.length === 0 && c.negative;
    let detail = "";
    let length = 0;
    actuals.forEach((a, i) => {
      if (!Array.isArray(a) && count === undefined) {
        detail ||= `${q} is not array`;
        return;
      }
      length = Array.isArray(a) ? a.length : 0;
      let single = true;
      if (count !== undefined && (length === count) === c.negative) {
        single = false;
        detail ||= `${q}: expected ${not(c)}count ${count}, got ${length}`;
      }
      ok = i === 0 ? single : ok && single;
    });
    return { ok, detail, length };
  };
  let success = false;
  let detail = "";
  c.selected.forEach((m, mi) => {
    let ms: boolean;
    if (path) {
      const r = counts(m, path);
      ms = r.ok;
      detail ||= r.detail;
    } else {
      const lengths = new Map<string, number>();
      ms = true;
      for (const q of paths) {
        const r = counts(m, q);
        lengths.set(q, r.length);
        if (!r.ok) {
          ms = false;
          detail ||= r.detail;
        }
      }
      if (ms) {
        let first = -1;
        for (const q of [...lengths.keys()].sort()) {
          const n = lengths.get(q)!;
          if (first === -1) first = n;
          else if ((first === n) === c.negative) {
            ms = false;
            detail ||= `${q}: expected ${not(c)}the same length, got ${n}`;
            break;
          }
        }
      }
    }
    success = mi === 0 ? ms : success && ms;
  });
  if (c.selected.length === 0) return c.negative ? pass : { passed: false, detail: "no manifest found" };
  return { passed: success, detail };
};

const containsDocument: Validator = (p, c) => {
  const kind = str(p.kind);
  const apiVersion = str(p.apiversion);
  const name = str(p.name);
  const namespace = str(p.namespace);
  const any = p.any === true;
  const matches = (m: Manifest) => {
    if (typeof m.kind === "string" && m.kind !== kind) return false;
    if (typeof m.apiVersion === "string" && m.apiVersion !== apiVersion) return false;
    if (name !== "" && getValues(m, "metadata.name")[0] !== name) return false;
    if (namespace !== "" && getValues(m, "metadata.namespace")[0] !== namespace) return false;
    return true;
  };
  const describe = `${not(c)}to contain document Kind = ${kind}, apiVersion = ${apiVersion}${name ? `, Name = ${name}` : ""}${namespace ? `, Namespace = ${namespace}` : ""}`;
  let success = false;
  for (const [i, m] of c.selected.entries()) {
    let ms: boolean;
    if (matches(m) === c.negative) ms = false;
    else {
      ms = true;
      if (any !== c.negative) return pass;
    }
    success = i === 0 ? ms : success && ms;
  }
  if (c.selected.length === 0) return c.negative ? pass : { passed: false, detail: `expected ${describe}` };
  return success ? pass : { passed: false, detail: `expected ${describe}` };
};

const hasDocuments: Validator = (p, c) => {
  const n = p.filteraware === true ? c.selected.length : c.docs.length;
  return (n === int(p.count)) !== c.negative
    ? pass
    : { passed: false, detail: `expected ${not(c)}${int(p.count)} documents, got ${n}` };
};

const equalRaw: Validator = (p, c) => {
  const value = p.value;
  return perManifest(
    c,
    (m) => deepEqual(value, uniform(m[RAW] === undefined ? "<nil>" : String(m[RAW]))),
    (m) => `expected ${not(c)}${show(value)}, got ${show(m[RAW])}`,
  );
};

const META = /.*[\\.+*?()|[\]{}^$].*/;
const quoteMeta = (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");

const failedTemplate: Validator = (p, c) => {
  const message = str(p.errormessage);
  const pattern = str(p.errorpattern);
  if (message && pattern)
    return {
      passed: false,
      detail: "single attribute 'errorMessage' or 'errorPattern' supported at the same time",
    };
  const check = (actual: string | undefined): Verdict => {
    if (pattern) {
      let re: RE2JS;
      try {
        re = RE2JS.compile(pattern);
      } catch {
        re = RE2JS.compile(quoteMeta(pattern));
      }
      if (actual !== undefined && re.matcher(actual).find() === c.negative) {
        if (META.test(pattern) && RE2JS.compile(quoteMeta(pattern)).matcher(actual).find() !== c.negative)
          return pass;
        return {
          passed: false,
          detail: `expected ${not(c)}to match ${JSON.stringify(pattern)}, got ${JSON.stringify(actual)}`,
        };
      }
      return pass;
    }
    if (message) {
      return (actual !== undefined && actual === message) === c.negative
        ? {
            passed: false,
            detail: `expected ${not(c)}${JSON.stringify(message)}, got ${JSON.stringify(actual)}`,
          }
        : pass;
    }
    return pass;
  };
  if (c.renderError !== undefined) return check(c.renderError);
  let success = true;
  let detail = "";
  c.selected.forEach((m, i) => {
    if (!message && !pattern && !c.negative) return;
    const raw = m[RAW];
    const v = check(typeof raw === "string" ? raw : raw === undefined ? undefined : show(raw));
    if (!v.passed) detail ||= v.detail;
    success = i === 0 ? v.passed : success && v.passed;
  });
  if (c.selected.length === 0 && !c.negative) return { passed: false, detail: "no failed document" };
  return { passed: success, detail };
};

for (const [name, render, antonym, validator] of [
  ["equal", true, false, equal],
  ["notEqual", true, true, equal],
  ["equalRaw", true, false, equalRaw],
  ["notEqualRaw", true, true, equalRaw],
  ["exists", true, false, exists],
  ["notExists", true, true, exists],
  ["isNull", true, true, exists],
  ["isNotNull", true, false, exists],
  ["matchRegex", true, false, matchRegex],
  ["notMatchRegex", true, true, matchRegex],
  ["contains", true, false, contains],
  ["notContains", true, true, contains],
  ["isKind", true, false, field("kind")],
  ["isAPIVersion", true, false, field("apiVersion")],
  ["hasDocuments", true, false, hasDocuments],
  ["isSubset", true, false, subset],
  ["isNotSubset", true, true, subset],
  ["isNullOrEmpty", true, false, nullOrEmpty],
  ["isNotNullOrEmpty", true, true, nullOrEmpty],
  ["isEmpty", true, false, nullOrEmpty],
  ["isNotEmpty", true, true, nullOrEmpty],
  ["failedTemplate", false, false, failedTemplate],
  ["notFailedTemplate", true, true, failedTemplate],
  ["containsDocument", true, false, containsDocument],
  ["lengthEqual", true, false, lengthEqual],
  ["notLengthEqual", true, true, lengthEqual],
  ["matchSnapshot", true, false, undefined],
  ["matchSnapshotRaw", true, false, undefined],
  ["matchRegexRaw", true, false, undefined],
  ["notMatchRegexRaw", true, true, undefined],
  ["greaterOrEqual", true, false, undefined],
  ["notGreaterOrEqual", true, true, undefined],
  ["lessOrEqual", true, false, undefined],
  ["notLessOrEqual", true, true, undefined],
  ["isType", true, false, undefined],
  ["isNotType", true, true, undefined],
] as const)
  ASSERT_TYPES[name] = { render, antonym, ...(validator ? { validator } : {}) };

/** DocumentSelector.SelectDocuments over the templates an assertion looks at. */
function selectBySelector(
  s: DocumentSelector,
  docs: Map<string, Manifest[] | undefined>,
): Map<string, Manifest[]> {
  const out = new Map<string, Manifest[]>();
  let total = 0;
  for (const [template, manifests] of docs) {
    const picked: Manifest[] = [];
    for (const m of manifests ?? []) {
      if (!getValues(m, s.path).some((v) => deepEqual(s.value, v))) continue;
      if (!s.matchMany && picked.length > 0) throw new Error("multiple indexes found");
      picked.push(m);
    }
    if (!s.skipEmptyTemplates && picked.length === 0) throw new Error("document not found");
    total += picked.length;
    if (!s.matchMany && total > 1) throw new Error("multiple indexes found");
    if (picked.length > 0 || !s.skipEmptyTemplates) out.set(template, picked);
  }
  return out;
}

interface AssertRun {
  outputs: Map<string, Manifest[]>;
  renderSucceed: boolean;
  renderError?: string;
  skipEmptyTemplates: boolean;
}

/** Assertion.Assert: the assertion's templates, its documents, and its validator over each template. */
function runAssertion(a: Assertion, templates: string[], run: AssertRun): Verdict {
  const def = ASSERT_TYPES[a.type]!;
  const docs = new Map(templates.map((t) => [t, run.outputs.get(t)] as const));
  let selected: Map<string, Manifest[] | undefined>;
  try {
    if (a.documentSelector && a.documentSelector.path !== "")
      selected = selectBySelector(a.documentSelector, docs);
    else if (a.documentIndex !== -1) {
      selected = new Map();
      for (const [t, manifests] of docs) {
        const list = manifests ?? [];
        if (a.documentIndex >= list.length)
          throw new Error(`document index ${a.documentIndex} is out of rage`);
        selected.set(t, [list[a.documentIndex]!]);
      }
    } else selected = docs;
  } catch (error) {
    return { passed: false, detail: (error as Error).message };
  }
  const context = (rendered: Manifest[], picked: Manifest[]): Context => ({
    docs: rendered,
    selected: picked,
    negative: a.not !== def.antonym,
    ...(run.renderError !== undefined ? { renderError: run.renderError } : {}),
  });
  const keys = [...selected.keys()].sort();
  if (run.skipEmptyTemplates && keys.length === 0) return pass;
  if (keys.length === 0) {
    if (def.render !== run.renderSucceed) return { passed: false, detail: "rendered manifest is empty" };
    return def.validator!(a.params, context([], []));
  }
  let passed = false;
  let detail = "";
  keys.forEach((template, i) => {
    let v: Verdict;
    const rendered = run.outputs.get(template);
    if (rendered === undefined && def.render)
      v = { passed: false, detail: `template "${template}" not exists or not selected in test suite` };
    else if (def.render !== run.renderSucceed)
      v = {
        passed: false,
        detail: rendered?.length
          ? `Invalid rendering: ${show(rendered[0]![RAW])}`
          : "rendered manifest is empty",
      };
    else v = def.validator!(a.params, context(rendered ?? [], selected.get(template) ?? []));
    if (!v.passed) detail ||= v.detail;
    passed = i === 0 ? v.passed : passed && v.passed;
  });
  return { passed, detail };
}

// ---------------------------------------------------------------------------------------------------
// The corpus

async function loadCorpus(root: string): Promise<ChartFiles> {
  const commonDir = join(root, "common");
  const schema = `${JSON.stringify(
    dereferenceJsonSchema("values.schema.json", (p) => JSON.parse(readFileSync(join(commonDir, p), "utf8"))),
    null,
    2,
  )}\n`;
  const common = await readChartDirectory(commonDir);
  const testChart = await readChartDirectory(join(commonDir, "test-chart"));
  const testFiles: Record<string, string> = { ...testChart.files, "values.schema.json": schema };
  const restore = JSON.parse(readFileSync(join(root, "restore-files.json"), "utf8")) as {
    files: Array<{ path: string; base64: string }>;
  };
  for (const f of restore.files)
    if (f.path.startsWith("common/test-chart/"))
      testFiles[f.path.slice("common/test-chart/".length)] = Buffer.from(f.base64, "base64").toString("utf8");
  return {
    files: testFiles,
    archives: {
      "charts/common.tgz": { files: { ...common.files, "values.schema.json": schema }, fromDirectory: true },
    },
    fromDirectory: true,
  };
}

export async function runUnittestCorpus(sharedDir: string): Promise<UnittestCorpusResults> {
  const root = join(sharedDir, "corpus", "helm", "bjw-s-helm-charts");
  const unittests = join(root, "common", "test-chart", "unittests");
  const corpus: Corpus = { chart: loadChart(await loadCorpus(root)), kube: { major: "1", minor: "20" } };
  const chartRoute = corpus.chart.metadata.name;
  const results: UnittestCorpusResults = {
    suites: 0,
    passedAssertions: 0,
    totalAssertions: 0,
    passedTests: 0,
    totalTests: 0,
    failed: [],
    unsupported: [],
  };
  for (const file of suiteFiles(unittests)) {
    const rel = posix.relative(unittests, file);
    let suites: Suite[];
    try {
      suites = readSuites(file, rel);
    } catch (error) {
      results.unsupported.push({
        suite: rel,
        test: "",
        assertion: "",
        detail: `unreadable: ${(error as Error).message}`,
      });
      continue;
    }
    for (const suite of suites) {
      results.suites++;
      for (const t of suite.tests) {
        results.totalTests++;
        results.totalAssertions += t.asserts.length;
        const record = (list: UnittestFailure[], a: Assertion | undefined, detail: string) =>
          list.push({
            suite: rel,
            test: t.name,
            assertion: a ? `#${a.index} ${a.type}` : "",
            detail: detail.length > 2000 ? `${detail.slice(0, 2000)}…` : detail,
          });
        const why = suite.unsupported ?? t.unsupported ?? (t.skip ? `skipped: ${t.skip}` : undefined);
        if (why) {
          record(results.unsupported, undefined, why);
          continue;
        }
        const requireRenderSuccess = t.asserts.every((a) => ASSERT_TYPES[a.type]?.render ?? true);
        const defaults = [...suite.templates];
        const r = renderTest(corpus, suite, t, requireRenderSuccess, defaults);
        if (r.fatal !== undefined) {
          for (const a of t.asserts) record(results.failed, a, `not evaluated: ${r.fatal}`);
          continue;
        }
        const outputs = r.outputs ?? new Map<string, Manifest[]>();
        const run: AssertRun = {
          outputs,
          renderSucceed: r.renderSucceed,
          ...(r.renderError !== undefined ? { renderError: r.renderError } : {}),
          skipEmptyTemplates: t.documentSelector?.skipEmptyTemplates ?? false,
        };
        let testPassed = true;
        for (const a of t.asserts) {
          const def = ASSERT_TYPES[a.type];
          if (!def?.validator) {
            record(results.unsupported, a, def ? "not implemented by this runner" : "unknown assertion type");
            testPassed = false;
            continue;
          }
          if (t.documentIndex !== undefined) a.documentIndex = t.documentIndex;
          if (!a.documentSelector && t.documentSelector) a.documentSelector = t.documentSelector;
          const named = a.template
            ? [a.template]
            : t.templates.length
              ? t.templates
              : t.template
                ? [t.template]
                : undefined;
          let templates: string[];
          if (named) templates = named.map((f) => posix.join(chartRoute, templateFileName(f)));
          else if (defaults.some((d) => d.includes("*"))) templates = [...outputs.keys()];
          else templates = defaults.map((f) => posix.join(chartRoute, templateFileName(f)));
          let v: Verdict;
          try {
            v = runAssertion(a, templates, run);
          } catch (error) {
            if (!(error instanceof PathSyntaxError)) throw error;
            record(results.unsupported, a, error.message);
            testPassed = false;
            continue;
          }
          if (v.passed) results.passedAssertions++;
          else {
            testPassed = false;
            const failedRender =
              def.render && r.renderError !== undefined ? ` (the render failed: ${r.renderError})` : "";
            record(results.failed, a, `${v.detail}${failedRender}`);
          }
        }
        if (testPassed) results.passedTests++;
      }
    }
  }
  return results;
}
