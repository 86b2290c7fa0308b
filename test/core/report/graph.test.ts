import { describe, expect, it } from "vitest";
import { graphBlocks } from "../../../src/core/report/sections/graph.ts";
import { changeContext } from "../checks/helpers.ts";

/** apps/ks.yaml: Kustomizations infra-a, infra-b and `count` apps depending on `target`. */
function repo(target: string, count: number): Record<string, string> {
  const ks = (name: string, dependsOn: string[]) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 1h\n  path: ./svc/${name}\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n  dependsOn: [${dependsOn.map((d) => `{name: ${d}}`).join(", ")}]\n`;
  const apps = Array.from({ length: count }, (_, i) => `app-${String(i).padStart(2, "0")}`);
  const out: Record<string, string> = {
    "apps/kustomization.yaml": "resources: [ks.yaml]\n",
    "apps/ks.yaml": [ks("infra-a", []), ks("infra-b", []), ...apps.map((a) => ks(a, [target]))].join("---\n"),
  };
  for (const n of ["infra-a", "infra-b", ...apps])
    out[`svc/${n}/cm.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: default}\n`;
  return out;
}

function diagramOf(base: Record<string, string>, head: Record<string, string>): string {
  const report = changeContext(base, head).change!.impact;
  const text = graphBlocks(report)
    .map((b) => b.text)
    .join("");
  return text.slice(text.indexOf("```mermaid\n") + 11, text.lastIndexOf("```"));
}

describe("core/report/sections/graph", () => {
  it("draws 24 Kustomizations moving their dependsOn from infra-a to infra-b as one merged node", () => {
    const source = diagramOf(repo("infra-a", 24), repo("infra-b", 24));
    const nodeLines = source.split("\n").filter((l) => /^ {2}n\d+[[(]/.test(l));
    expect(nodeLines.length).toBeLessThanOrEqual(15);
    expect(nodeLines.filter((l) => l.includes('"24 Kustomizations"'))).toHaveLength(1);
    const arrows = source.split("\n").filter((l) => l.includes("->"));
    expect(arrows).toHaveLength(2);
    expect(arrows.filter((l) => /-\.->\|removed\|/.test(l))).toHaveLength(1);
    expect(arrows.filter((l) => / -->\|added\| /.test(l))).toHaveLength(1);
  });

  it("names each object when a few move", () => {
    const source = diagramOf(repo("infra-a", 2), repo("infra-b", 2));
    expect(source).toContain('Kustomization<br/>flux-system/app-00"]');
    expect(source).toContain('Kustomization<br/>flux-system/app-01"]');
    expect(source.split("\n").filter((l) => l.includes("-.->|removed|"))).toHaveLength(2);
    expect(source).not.toContain("flux-system/apps");
  });
});
