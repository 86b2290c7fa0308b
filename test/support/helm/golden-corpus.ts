/**
 * Helm's own `helm template` golden tests (`../shared/corpus/helm/helm-golden/v3.21.4`): each case's chart
 * read from disk as the CLI reads a chart folder, its flags applied as Helm's command applies them
 * (values files merged, `--set` parsed with strvals, `--name-template` rendered, the test harness's
 * Kubernetes v1.20.0), and the combined output compared with the golden file byte for byte. Helm 3 is the
 * version emulated (Flux's helm-controller runs Helm 3).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readChartDirectory } from "../../../src/charts/archive.ts";
import {
  ChartLoadError,
  DEFAULT_API_VERSIONS,
  HelmTemplateError,
  helmTemplate,
  loadChart,
  mergeMaps,
  parseKubeVersion,
  parseSetInto,
  RenderError,
  readValues,
  sprigFunctions,
  TemplateSet,
} from "../../../src/core/helm/index.ts";

interface GoldenCase {
  id: string;
  golden: string;
  wantError: boolean;
  argv: string[];
  args: {
    chart?: string;
    releaseName?: string | null;
    namespace: string;
    set?: string[];
    values?: string[];
    apiVersions?: string[];
    kubeVersion?: string;
    showOnly?: string[];
    nameTemplate?: string;
    includeCrds?: boolean;
    skipTests?: boolean;
    debug?: boolean;
    dryRun?: boolean;
    hideSecret?: boolean;
  };
}

export interface GoldenResults {
  version: string;
  passed: number;
  total: number;
  failed: Array<{ id: string; detail: string }>;
}

/** What the command prints, stdout and stderr together, as the golden holds it. */
export async function runGoldenCase(dir: string, c: GoldenCase): Promise<string> {
  const a = c.args;
  if (!a.chart)
    return `Error: "helm template" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]\n`;
  let values: Record<string, unknown> = {};
  for (const f of a.values ?? [])
    values = mergeMaps(values as never, readValues(readFileSync(join(dir, f), "utf8"), f) as never);
  for (const s of a.set ?? []) {
    const error = parseSetInto(s, values as never, false);
    if (error) return `Error: failed parsing --set data: ${error}\n`;
  }
  let name = a.releaseName ?? "";
  if (a.nameTemplate)
    name = new TemplateSet({ funcs: sprigFunctions() }).parse("name", a.nameTemplate).execute("name", null);
  const kubeVersion = a.kubeVersion ? parseKubeVersion(a.kubeVersion) : "v1.20.0";
  let out = "";
  try {
    const chart = loadChart(await readChartDirectory(join(dir, a.chart)));
    const result = helmTemplate(chart, values, {
      releaseName: name,
      namespace: a.namespace,
      capabilities: {
        kubeVersion: kubeVersion!,
        apiVersions: [...DEFAULT_API_VERSIONS, ...(a.apiVersions ?? [])],
      },
      ...(a.includeCrds ? { includeCrds: true } : {}),
      ...(a.skipTests ? { skipTests: true } : {}),
      ...(a.showOnly ? { showOnly: a.showOnly } : {}),
      ...(a.dryRun ? { hideSecrets: a.hideSecret ?? false } : {}),
    });
    if (a.dryRun) return installDryRun(name, a.namespace, result.release, result.hooks, result.notes);
    out = result.output;
  } catch (error) {
    if (error instanceof HelmTemplateError && error.files !== undefined)
      return a.debug
        ? `${error.files.trim()}\nError: ${error.message}\n`
        : `Error: ${error.message}\n\nUse --debug flag to render out invalid YAML\n`;
    if (error instanceof HelmTemplateError || error instanceof RenderError || error instanceof ChartLoadError)
      return `Error: ${error.message}\n`;
    throw error;
  }
  return out;
}

/** `helm install --dry-run`'s status printer, with the test harness's fixed timestamp. */
function installDryRun(
  name: string,
  namespace: string,
  manifest: string,
  hooks: Array<{ path: string; content: string }>,
  notes: string,
): string {
  let out = `NAME: ${name}\nLAST DEPLOYED: Fri Sep  2 22:04:05 1977\nNAMESPACE: ${namespace}\nSTATUS: pending-install\nREVISION: 1\nTEST SUITE: None\nHOOKS:\n`;
  for (const h of hooks) out += `---\n# Source: ${h.path}\n${h.content}\n`;
  out += `MANIFEST:\n${manifest}\n`;
  if (notes) out += `NOTES:\n${notes.trim()}\n`;
  return out;
}

export async function runGoldenCorpus(sharedDir: string, version = "v3.21.4"): Promise<GoldenResults> {
  const dir = join(sharedDir, "corpus", "helm", "helm-golden", version);
  const cases = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8")).cases as GoldenCase[];
  const results: GoldenResults = { version, passed: 0, total: 0, failed: [] };
  for (const c of cases) {
    results.total++;
    const want = readFileSync(join(dir, c.golden), "utf8").replace(/\r\n/g, "\n");
    let got: string;
    try {
      got = await runGoldenCase(dir, c);
    } catch (error) {
      results.failed.push({ id: c.id, detail: `crashed: ${(error as Error).stack ?? error}` });
      continue;
    }
    if (got === want) results.passed++;
    else results.failed.push({ id: c.id, detail: firstDifference(want, got) });
  }
  return results;
}

function firstDifference(want: string, got: string): string {
  const w = want.split("\n");
  const g = got.split("\n");
  for (let i = 0; i < Math.max(w.length, g.length); i++)
    if (w[i] !== g[i]) return `line ${i + 1}: want ${JSON.stringify(w[i])}, got ${JSON.stringify(g[i])}`;
  return "differs";
}
