import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readYamlDocuments } from "../../src/core/yaml/read-documents.ts";
import {
  describeRepo,
  generateSyntheticRepo,
  writeSyntheticRepo,
} from "../support/synthetic-repo/generate.ts";

type Obj = Record<string, unknown> & { apiVersion?: string; kind?: string; metadata?: { name?: string } };

function objects(files: Map<string, string>): Array<{ file: string; obj: Obj }> {
  const out: Array<{ file: string; obj: Obj }> = [];
  for (const [file, text] of files) {
    if (!/\.ya?ml$/.test(file) || file.includes("/resources/")) continue;
    for (const d of readYamlDocuments(text, file).documents) out.push({ file, obj: d.value as Obj });
  }
  return out;
}

function fluxKustomizations(files: Map<string, string>) {
  return objects(files)
    .filter((o) => o.obj.kind === "Kustomization" && o.obj.apiVersion === "kustomize.toolkit.fluxcd.io/v1")
    .map(({ file, obj }) => {
      // The namespace kustomization.yaml sets the namespace of every app ks.yaml below it.
      const ns = file.startsWith("kubernetes/apps/") ? file.split("/")[2] : "flux-system";
      return { file, ns, name: obj.metadata?.name ?? "", spec: obj.spec as Record<string, unknown> };
    });
}

const one = generateSyntheticRepo(1);
const three = generateSyntheticRepo(3);

describe("test/support/synthetic-repo/generate.ts", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    expect([...generateSyntheticRepo(1)]).toEqual([...one]);
    expect([...generateSyntheticRepo(2, 42)]).toEqual([...generateSyntheticRepo(2, 42)]);
    const other = generateSyntheticRepo(1, 2);
    expect([...other.keys()]).not.toEqual([...one.keys()]);
    expect(() => generateSyntheticRepo(0)).toThrow(RangeError);
    expect(() => generateSyntheticRepo(1.5)).toThrow(RangeError);
  });

  it("pins the exact output of scale 1, seed 1 (refactors of the generator must not change a byte)", () => {
    const hash = createHash("sha256")
      .update(JSON.stringify([...generateSyntheticRepo(1, 1)]))
      .digest("hex");
    expect(hash).toBe("3db60f36094bacec957e78a50cf84146de31df49c9158a44e67642ea7a033eb3");
  });

  it("at 1× has the size and shape of onedr0p/home-ops' kubernetes/ folder", () => {
    const d = describeRepo(one);
    expect(d.fluxKustomizations).toBe(78);
    expect(d.helmReleases).toBe(69);
    expect(d.files).toBeGreaterThanOrEqual(400);
    expect(d.files).toBeLessThanOrEqual(440);
    expect(d.bytes).toBeGreaterThan(280_000);
    expect(d.bytes).toBeLessThan(360_000);
    const paths = [...one.keys()];
    expect(paths.filter((p) => /^kubernetes\/apps\/[^/]+\/kustomization\.yaml$/.test(p))).toHaveLength(12);
    expect(paths.filter((p) => /^kubernetes\/apps\/[^/]+\/[^/]+\/ks\.yaml$/.test(p))).toHaveLength(64);
    const ks = fluxKustomizations(one);
    expect(ks.filter((k) => k.spec.components)).toHaveLength(20);
    expect(ks.filter((k) => k.spec.dependsOn)).toHaveLength(18);
    expect(ks.filter((k) => k.spec.healthChecks)).toHaveLength(9);
    const substituted = ks.filter((k) => k.spec.postBuild);
    expect(substituted).toHaveLength(20);
    for (const k of substituted) expect(k.spec.postBuild).toMatchObject({ substitute: { APP: k.name } });
    const objs = objects(one);
    const helmReleases = objs.filter((o) => o.obj.kind === "HelmRelease");
    expect(
      helmReleases.every(
        (o) => (o.obj.spec as { chartRef?: { kind?: string } }).chartRef?.kind === "OCIRepository",
      ),
    ).toBe(true);
    expect(objs.filter((o) => o.obj.kind === "OCIRepository")).toHaveLength(69);
    const generators = objs.filter((o) => Array.isArray(o.obj.configMapGenerator));
    expect(generators).toHaveLength(4);
    expect(objs.filter((o) => o.obj.kind === "Kustomization" && o.obj.components)).toHaveLength(12);
  });

  it("has the cluster-apps entrypoint patching its children, and a flux-instance syncing it", () => {
    const [root] = objects(new Map([["ks.yaml", one.get("kubernetes/flux/cluster/ks.yaml") ?? ""]]));
    expect(root?.obj.metadata).toEqual({ name: "cluster-apps", namespace: "flux-system" });
    const spec = root?.obj.spec as { path: string; patches: Array<{ target: unknown }> };
    expect(spec.path).toBe("./kubernetes/apps");
    expect(spec.patches.map((p) => p.target)).toEqual([
      { group: "kustomize.toolkit.fluxcd.io", kind: "Kustomization" },
      { group: "kustomize.toolkit.fluxcd.io", kind: "Kustomization" },
    ]);
    const instance = objects(one).find(
      (o) => o.obj.kind === "HelmRelease" && o.obj.metadata?.name === "flux-instance",
    );
    expect(instance?.file).toBe("kubernetes/apps/flux-system/flux-instance/app/helmrelease.yaml");
    expect(instance?.obj.spec).toMatchObject({
      values: { instance: { sync: { kind: "GitRepository", path: "kubernetes/flux/cluster" } } },
    });
  });

  it("grows files, bytes and Flux Kustomizations N× with the scale", () => {
    const a = describeRepo(one);
    const b = describeRepo(three);
    expect(b.fluxKustomizations).toBe(3 * 77 + 1);
    expect(b.helmReleases).toBe(3 * 69);
    const ks = fluxKustomizations(three);
    expect(ks.filter((k) => k.spec.components)).toHaveLength(3 * 20);
    expect(ks.filter((k) => k.spec.postBuild)).toHaveLength(3 * 20);
    expect(ks.filter((k) => k.spec.healthChecks)).toHaveLength(3 * 9);
    expect(b.files / a.files).toBeGreaterThan(2.85);
    expect(b.files / a.files).toBeLessThan(3.15);
    expect(b.bytes / a.bytes).toBeGreaterThan(2.7);
    expect(b.bytes / a.bytes).toBeLessThan(3.3);
    const namespaces = [...three.keys()].filter((p) => /^kubernetes\/apps\/[^/]+\/namespace\.yaml$/.test(p));
    expect(namespaces).toHaveLength(36);
    expect(namespaces).toContain("kubernetes/apps/workloads-3/namespace.yaml");
  });

  it("writes only YAML that parses without diagnostics", () => {
    let checked = 0;
    for (const [file, text] of three) {
      if (!/\.ya?ml$/.test(file)) continue;
      const result = readYamlDocuments(text, file);
      expect({ file, diagnostics: result.diagnostics, ok: result.ok }).toEqual({
        file,
        diagnostics: [],
        ok: true,
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(1100);
  });

  it("references only things that exist: dependsOn targets, paths, resources, components, chartRefs", () => {
    const ks = fluxKustomizations(three);
    const ids = new Set(ks.map((k) => `${k.ns}/${k.name}`));
    expect(ids.size).toBe(ks.length);
    const order = new Map(ks.map((k, i) => [`${k.ns}/${k.name}`, i]));
    let edges = 0;
    for (const k of ks) {
      for (const dep of (k.spec.dependsOn as Array<{ name: string; namespace?: string }> | undefined) ?? []) {
        const id = `${dep.namespace ?? k.ns}/${dep.name}`;
        expect(ids.has(id), `${k.ns}/${k.name} depends on ${id}`).toBe(true);
        edges++;
      }
      const path = String(k.spec.path).replace(/^\.\//, "");
      // cluster-apps' ./kubernetes/apps has no kustomization.yaml: Flux generates one listing the namespaces.
      expect(three.has(`${path}/kustomization.yaml`) || k.name === "cluster-apps", path).toBe(true);
      for (const c of (k.spec.components as string[] | undefined) ?? []) {
        expect(three.has(`${join(path, c)}/kustomization.yaml`), c).toBe(true);
      }
    }
    expect(edges).toBe(54);
    // dependsOn never points forward in generation order, so the graph has no cycles.
    for (const k of ks) {
      for (const dep of (k.spec.dependsOn as Array<{ name: string; namespace?: string }> | undefined) ?? []) {
        const target = order.get(`${dep.namespace ?? k.ns}/${dep.name}`) ?? Number.POSITIVE_INFINITY;
        expect(target).toBeLessThan(order.get(`${k.ns}/${k.name}`) ?? -1);
      }
    }
    for (const { file, obj } of objects(three)) {
      const dir = file.slice(0, file.lastIndexOf("/"));
      if (obj.kind === "Kustomization" || obj.kind === "Component") {
        for (const r of (obj.resources as string[] | undefined) ?? []) {
          const p = join(dir, r);
          expect(three.has(p) || three.has(`${p}/kustomization.yaml`), `${file}: ${r}`).toBe(true);
        }
        for (const c of (obj.components as string[] | undefined) ?? []) {
          expect(three.has(`${join(dir, c)}/kustomization.yaml`), `${file}: ${c}`).toBe(true);
        }
        for (const g of (obj.configMapGenerator as Array<{ files: string[] }> | undefined) ?? []) {
          for (const f of g.files) expect(three.has(join(dir, f.split("=")[1] ?? "")), f).toBe(true);
        }
      }
      if (obj.kind === "HelmRelease") {
        const ref = (obj.spec as { chartRef: { name: string } }).chartRef.name;
        expect(three.get(`${dir}/ocirepository.yaml`)).toContain(`  name: ${ref}\n`);
      }
    }
  });

  it("lists every app of a namespace in its kustomization.yaml", () => {
    expect(one.get("kubernetes/apps/cert-manager/kustomization.yaml")).toMatch(
      /^---\n# yaml-language-server: \$schema=https:\/\/json\.schemastore\.org\/kustomization\napiVersion: kustomize\.config\.k8s\.io\/v1beta1\nkind: Kustomization\nnamespace: cert-manager\n\ncomponents:\n {2}- \.\.\/\.\.\/components\/notify\n\nresources:\n {2}- \.\/namespace\.yaml\n {2}- \.\/[a-z-]+\/ks\.yaml\n$/,
    );
    for (const [file, text] of three) {
      const m = /^kubernetes\/apps\/([^/]+)\/kustomization\.yaml$/.exec(file);
      if (!m) continue;
      const listed = [...text.matchAll(/^ {2}- \.\/([^/]+)\/ks\.yaml$/gm)].map((x) => x[1]).sort();
      const present = [...three.keys()]
        .map((p) => new RegExp(`^kubernetes/apps/${m[1]}/([^/]+)/ks\\.yaml$`).exec(p)?.[1])
        .filter((x) => x !== undefined)
        .sort();
      expect(listed).toEqual(present);
      expect(text).toContain(`namespace: ${m[1]}\n`);
    }
  });

  it("writeSyntheticRepo writes the generated files to disk", () => {
    const dir = mkdtempSync(join(tmpdir(), "synthetic-repo-"));
    try {
      writeSyntheticRepo(dir, 1);
      for (const path of ["kubernetes/flux/cluster/ks.yaml", "kubernetes/components/backup/pvc.yaml"]) {
        expect(readFileSync(join(dir, path), "utf8")).toBe(one.get(path));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
