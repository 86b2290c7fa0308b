/**
 * Real charts rendered by real Helm, as flux-local recorded them (`../shared/corpus/helm/flux-local-renders`):
 * each case's chart folder rendered with its values and the flags of its `helmCommand`, the kinds
 * flux-local filtered out dropped (CustomResourceDefinition, and Secret unless kept), and the objects
 * compared with the recorded ones order-independently, without kyaml's index annotations (the YAML
 * formatting is kyaml's, not Helm's, so objects are compared, not bytes).
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";
import { readChartDirectory } from "../../../src/charts/archive.ts";
import { defaultCapabilities, helmTemplate, loadChart, readValues } from "../../../src/core/helm/index.ts";

interface FluxLocalCase {
  id: string;
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

const describe = (o: unknown) => {
  const x = o as { kind?: string; metadata?: { name?: string } };
  return `${x.kind}/${x.metadata?.name}`;
};

export async function runFluxLocalRenders(sharedDir: string): Promise<FluxLocalRenderResults> {
  const root = join(sharedDir, "corpus", "helm", "flux-local-renders");
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
      const values = c.values ? readValues(readFileSync(join(root, id, c.values), "utf8"), c.values) : {};
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
