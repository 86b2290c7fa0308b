import { describe, expect, it } from "vitest";
import type { Target } from "../../../../src/core/kustomize/kustomization-file.ts";
import { parseSelector, selectorMatches } from "../../../../src/core/kustomize/patch/label-selector.ts";
import { selectResources, trySelectResources } from "../../../../src/core/kustomize/patch/select.ts";
import type { ResMap } from "../../../../src/core/kustomize/resmap.ts";
import { displayId, resIdOf } from "../../../../src/core/kustomize/resource.ts";
import { resmapOf } from "./fixtures.ts";

const RESOURCES = `
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, labels: {tier: fe, app: web}, annotations: {team: a}}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: api, namespace: prod, labels: {tier: be, app: api}}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web-extra, labels: {tier: fe}}
  ---
  apiVersion: v1
  kind: Service
  metadata: {name: web}
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata: {name: cfg, namespace: default}
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: reader}
`;

function selected(m: ResMap, target: Target): string[] {
  return selectResources(m, target).map((r) => displayId(resIdOf(r.obj)));
}

// Selections verified with kubectl kustomize v5.5.0 (patches with these targets).
describe("core/kustomize/patch/select", () => {
  const m = resmapOf(RESOURCES);

  it("matches kind, group and version exactly and names as anchored regexes", () => {
    expect(selected(m, { kind: "Deployment", name: "web" })).toEqual(["Deployment web"]);
    expect(selected(m, { name: "web.*", kind: "Deployment|Service" })).toEqual([
      "Deployment web",
      "Deployment web-extra",
      "Service web",
    ]);
    expect(selected(m, { name: "(?i)WEB" })).toEqual(["Deployment web", "Service web"]);
    expect(selected(m, { namespace: "prod", version: "v1" })).toEqual(["Deployment prod/api"]);
    expect(selected(m, { group: "rbac.authorization.k8s.io" })).toEqual(["ClusterRole reader"]);
    expect(selected(m, {})).toHaveLength(6);
  });

  it("treats an unset namespace as default and never matches cluster-scoped kinds by namespace", () => {
    expect(selected(m, { namespace: "default" })).toEqual([
      "Deployment web",
      "Deployment web-extra",
      "Service web",
      "ConfigMap default/cfg",
    ]);
  });

  it("applies label and annotation selectors", () => {
    expect(selected(m, { labelSelector: "tier in (fe,be),app!=api" })).toEqual([
      "Deployment web",
      "Deployment web-extra",
    ]);
    expect(selected(m, { labelSelector: "tier notin (fe)" })).toEqual([
      "Deployment prod/api",
      "Service web",
      "ConfigMap default/cfg",
      "ClusterRole reader",
    ]);
    expect(selected(m, { labelSelector: "!tier", kind: "Deployment" })).toEqual([]);
    expect(selected(m, { labelSelector: "tier=fe", annotationSelector: "team" })).toEqual(["Deployment web"]);
    expect(selected(m, { group: "rbac.authorization.k8s.io", annotationSelector: "!team" })).toEqual([
      "ClusterRole reader",
    ]);
  });

  it("matches name and namespace against the original or the current id, independently", () => {
    const renamed = resmapOf("{apiVersion: v1, kind: ConfigMap, metadata: {name: p-a, namespace: base-ns}}");
    const r = renamed.resources[0];
    if (!r) throw new Error("no resource");
    r.prevIds.push({ group: "", version: "v1", kind: "ConfigMap", name: "a", namespace: "" });
    expect(selected(renamed, { name: "a", namespace: "default" })).toHaveLength(1);
    expect(selected(renamed, { name: "p-a", namespace: "base-ns" })).toHaveLength(1);
    expect(selected(renamed, { name: "a", namespace: "base-ns" })).toHaveLength(1);
    expect(selected(renamed, { name: "b" })).toHaveLength(0);
  });

  it("explains invalid regexes and selectors", () => {
    const bad = trySelectResources(m, { name: "[invalid" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^error parsing regexp: /);
    expect(selectResources(m, { name: "[invalid" })).toEqual([]);
    const sel = trySelectResources(m, { labelSelector: "a in b" });
    expect(sel).toEqual({ ok: false, error: "unable to parse requirement: found 'b', expected: '('" });
  });
});

describe("core/kustomize/patch/label-selector", () => {
  const match = (selector: string, labels: Record<string, string>) => {
    const p = parseSelector(selector);
    if (!p.ok) throw new Error(p.error);
    return selectorMatches(p.requirements, labels);
  };

  it("implements every operator", () => {
    const labels = { app: "web", tier: "fe", n: "5" };
    expect(match("", labels)).toBe(true);
    expect(match("app", labels)).toBe(true);
    expect(match("!app", labels)).toBe(false);
    expect(match("app=web,tier==fe", labels)).toBe(true);
    expect(match("app!=web", labels)).toBe(false);
    expect(match("missing!=x", labels)).toBe(true);
    expect(match("tier in (be, fe)", labels)).toBe(true);
    expect(match("tier notin (fe)", labels)).toBe(false);
    expect(match("missing notin (fe)", labels)).toBe(true);
    expect(match("n>4,n<6", labels)).toBe(true);
    expect(match("app>4", labels)).toBe(false);
    expect(match("example.com/app=", { "example.com/app": "" })).toBe(true);
  });

  it("rejects malformed selectors", () => {
    expect(parseSelector("a=b,").ok).toBe(false);
    expect(parseSelector("a in (b").ok).toBe(false);
    expect(parseSelector("a>x").ok).toBe(false);
    expect(parseSelector("bad key=x").ok).toBe(false);
    expect(parseSelector("a=has space").ok).toBe(false);
    expect(parseSelector("-a=b").ok).toBe(false);
  });
});
