/**
 * Real charts rendered by real Helm, as flux-local recorded them (`../shared/corpus/helm/flux-local-renders`):
 * each case's chart folder rendered with its values and the flags of its `helmCommand`, the kinds
 * flux-local filtered out dropped (CustomResourceDefinition, and Secret unless kept), and the objects
 * compared with the recorded ones order-independently, without kyaml's index annotations (the YAML
 * formatting is kyaml's, not Helm's, so objects are compared, not bytes).
 *
 * The user values are the ones flux-local passed: it reads each HelmRelease from the output of
 * `flux build ks` of the Flux Kustomization that holds it (flux_local/git_repo.py, build_kustomization:
 * `cmd.filter_resources(kinds).objects()` then `HelmRelease.parse_doc`), so its spec.values are the built
 * ones — overlay patches applied and postBuild variables substituted — and writes them to the `--values`
 * file (flux_local/helm.py, Helm.template). A case whose HelmRelease comes from flux-local's test data
 * (`../shared/corpus/flux-local/testdata`) and has no valuesFrom is rendered with the spec.values of that
 * HelmRelease as this engine builds its cluster; a case with valuesFrom keeps the case's values file (the
 * values after flux-local's own valuesFrom expansion, Secrets replaced by placeholders).
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";
import { readChartDirectory } from "../../../src/charts/archive.ts";
import { defaultCapabilities, helmTemplate, loadChart, readValues } from "../../../src/core/helm/index.ts";
import { analyzeRepository, createMemorySnapshot, type RepositoryModel } from "../../../src/core/index.ts";
import { FLUX_LOCAL_PREFIX } from "../fs/corpus.ts";
import { readTree } from "../fs/disk-tree.ts";

interface FluxLocalCase {
  id: string;
  /** The HelmRelease in flux-local's repository (`file` is `tests/testdata/<cluster>/...` for the test data). */
  helmRelease?: { file: string; name: string; namespace: string };
  chart: { dir: string };
  release: { name: string; namespace: string };
  values: string | null;
  helmCommand: string[];
  fluxLocalFlags?: { skipSecrets?: boolean; skipCrds?: boolean };
  expected: string;
}

export interface FluxLocalRenderResults {
  passed: number;
  total: number;
  failed: Array<{ id: string; detail: string }>;
}

const INDEX_ANNOTATIONS = ["config.kubernetes.io/index", "internal.config.kubernetes.io/index"];

function objectsOf(text: string): unknown[] {
  return parseAllDocuments(text, { version: "1.1", logLevel: "error" })
    .map((d) => d.toJS() as unknown)
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === "object")
    .map((o) => {
      // kyaml sets its index annotations and clears them again: an annotations field left empty (or
      // null, as a template may write it) goes with them.
      const metadata = o.metadata as { annotations?: Record<string, unknown> | null } | undefined;
      if (metadata && "annotations" in metadata) {
        for (const a of INDEX_ANNOTATIONS) if (metadata.annotations) delete metadata.annotations[a];
        if (!metadata.annotations || Object.keys(metadata.annotations).length === 0)
          delete metadata.annotations;
      }
      return o;
    });
}

/**
 * The spec.values flux-local rendered a test-data HelmRelease with: those of the HelmRelease as its Flux
 * Kustomization builds it (patches, postBuild substitution). Undefined when the case is not from the test
 * data, the HelmRelease is not found, or it has valuesFrom (flux-local's expansion is in the case's file).
 */
function builtValues(
  c: FluxLocalCase,
  testdata: string,
  models: Map<string, RepositoryModel>,
): { values: Record<string, unknown> } | undefined {
  const cluster = c.helmRelease?.file.startsWith(FLUX_LOCAL_PREFIX)
    ? c.helmRelease.file.slice(FLUX_LOCAL_PREFIX.length).split("/")[0]
    : undefined;
  if (!cluster || !existsSync(testdata)) return undefined;
  let model = models.get(cluster);
  if (!model) {
    const tree = readTree(testdata, FLUX_LOCAL_PREFIX);
    model = analyzeRepository(createMemorySnapshot(tree.files, { symlinks: tree.symlinks }), {
      searchRoot: `${FLUX_LOCAL_PREFIX}${cluster}`,
    });
    models.set(cluster, model);
  }
  const found = model.helmReleases.filter(
    (h) => h.name === c.helmRelease?.name && h.namespace === c.helmRelease?.namespace,
  );
  const hr = found.length === 1 ? found[0] : undefined;
  if (!hr || hr.valuesFrom.length > 0) return undefined;
  const spec = hr.object.spec as { values?: unknown } | undefined;
  const values = spec?.values;
  return {
    values:
      values !== null && typeof values === "object" && !Array.isArray(values)
        ? (values as Record<string, unknown>)
        : {},
  };
}

const describe = (o: unknown) => {
  const x = o as { kind?: string; metadata?: { name?: string } };
  return `${x.kind}/${x.metadata?.name}`;
};

export async function runFluxLocalRenders(sharedDir: string): Promise<FluxLocalRenderResults> {
  const root = join(sharedDir, "corpus", "helm", "flux-local-renders");
  const testdata = join(sharedDir, "corpus", "flux-local", "testdata");
  const models = new Map<string, RepositoryModel>();
  const results: FluxLocalRenderResults = { passed: 0, total: 0, failed: [] };
  for (const id of readdirSync(root).sort()) {
    const caseFile = join(root, id, "case.json");
    if (!existsSync(caseFile)) continue;
    const c = JSON.parse(readFileSync(caseFile, "utf8")) as FluxLocalCase;
    results.total++;
    const flags = c.helmCommand.slice(4);
    const flag = (name: string) => flags.includes(name);
    const all = (name: string) => flags.flatMap((f, i) => (f === name ? [flags[i + 1]!] : []));
    try {
      const chart = loadChart(await readChartDirectory(join(root, id, c.chart.dir)));
      const values =
        builtValues(c, testdata, models)?.values ??
        (c.values ? readValues(readFileSync(join(root, id, c.values), "utf8"), c.values) : {});
      const result = helmTemplate(chart, values, {
        releaseName: c.release.name,
        namespace: c.release.namespace,
        capabilities: defaultCapabilities({ apiVersions: all("--api-versions") }),
        includeCrds: flag("--include-crds"),
        skipTests: flag("--skip-tests"),
        isUpgrade: flag("--is-upgrade"),
        skipSchemaValidation: flag("--skip-schema-validation"),
        ...(all("--show-only").length ? { showOnly: all("--show-only") } : {}),
      });
      const dropped = new Set([
        ...(c.fluxLocalFlags?.skipCrds === false ? [] : ["CustomResourceDefinition"]),
        ...(c.fluxLocalFlags?.skipSecrets === false ? [] : ["Secret"]),
      ]);
      const got = objectsOf(result.output).filter((o) => !dropped.has((o as { kind?: string }).kind ?? ""));
      const want = objectsOf(readFileSync(join(root, id, c.expected), "utf8"));
      const unmatched = [...want];
      const extra: unknown[] = [];
      for (const o of got) {
        const i = unmatched.findIndex((w) => isDeepStrictEqual(w, o));
        if (i >= 0) unmatched.splice(i, 1);
        else extra.push(o);
      }
      if (unmatched.length === 0 && extra.length === 0) results.passed++;
      else {
        const first = unmatched[0];
        const twin = first && extra.find((e) => describe(e) === describe(first));
        results.failed.push({
          id,
          detail: `missing ${unmatched.map(describe).join(", ") || "none"}; unexpected ${extra.map(describe).join(", ") || "none"}${twin ? `; first: want ${JSON.stringify(first)} got ${JSON.stringify(twin)}` : ""}`,
        });
      }
    } catch (error) {
      results.failed.push({ id, detail: `failed: ${(error as Error).message}` });
    }
  }
  return results;
}
