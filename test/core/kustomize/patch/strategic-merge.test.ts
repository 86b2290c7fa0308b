import { describe, expect, it } from "vitest";
import { strategicMergePatch } from "../../../../src/core/kustomize/patch/strategic-merge.ts";
import type { JsonObject } from "../../../../src/core/kustomize/resource.ts";
import { doc } from "./fixtures.ts";

function merge(target: string, patch: string): JsonObject | null {
  const r = strategicMergePatch(doc(target), doc(patch));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const DEPLOYMENT = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    finalizers: [a, b]
  spec:
    template:
      spec:
        containers:
        - name: a
          image: a:1
          env:
          - {name: X, value: "1"}
          - {name: "Y", value: "2"}
          - {name: X, value: dup}
          ports:
          - containerPort: 80
          - containerPort: 53
            protocol: UDP
        - name: b
          image: b:1
          args: [x, y]
        tolerations:
        - {key: k1, operator: Exists}
        volumes:
        - name: v1
          emptyDir: {}
`;

// Every expected value below is `kubectl kustomize` (v5.5.0) output for the same target and patch.
describe("core/kustomize/patch/strategic-merge", () => {
  it("merges built-in lists by merge key, patch elements first, and replaces lists without a strategy", () => {
    const out = merge(
      DEPLOYMENT,
      `
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        finalizers: [c, a]
      spec:
        template:
          spec:
            containers:
            - name: b
              image: b:2
              args: [z]
              env:
              - {name: NEW, value: "n"}
            - name: c
              image: c:1
              ports:
              - {containerPort: 80, name: http}
              - containerPort: 443
            tolerations:
            - {key: k2, operator: Exists}
            volumes:
            - name: v2
              configMap: {name: cm}
      `,
    );
    expect(out).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", finalizers: ["c", "a", "b"] },
      spec: {
        template: {
          spec: {
            containers: [
              { name: "b", image: "b:2", args: ["z"], env: [{ name: "NEW", value: "n" }] },
              {
                name: "c",
                image: "c:1",
                ports: [{ containerPort: 80, name: "http" }, { containerPort: 443 }],
              },
              {
                name: "a",
                image: "a:1",
                // duplicate keys in the target collapse into the first position with the last value
                env: [
                  { name: "X", value: "dup" },
                  { name: "Y", value: "2" },
                ],
                ports: [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP" }],
              },
            ],
            tolerations: [{ key: "k2", operator: "Exists" }],
            volumes: [
              { name: "v2", configMap: { name: "cm" } },
              { name: "v1", emptyDir: {} },
            ],
          },
        },
      },
    });
  });

  it("handles $patch directives; apimachinery-only directives pass through as fields", () => {
    const out = merge(
      DEPLOYMENT,
      `
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        $deleteFromPrimitiveList/finalizers: [a]
      spec:
        template:
          spec:
            $setElementOrder/containers:
            - name: b
            - name: a
            containers:
            - name: a
              $patch: replace
              image: replaced
            - name: b
              $patch: delete
            volumes:
            - $patch: replace
            - name: only
              emptyDir: {}
            $retainKeys: [containers]
      `,
    );
    expect(out).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", finalizers: ["a", "b"], "$deleteFromPrimitiveList/finalizers": ["a"] },
      spec: {
        template: {
          spec: {
            $retainKeys: ["containers"],
            "$setElementOrder/containers": [{ name: "b" }, { name: "a" }],
            // `$patch: replace` on one element keeps the target's element untouched (kyaml quirk)
            containers: [
              {
                name: "a",
                image: "a:1",
                env: [
                  { name: "X", value: "1" },
                  { name: "Y", value: "2" },
                  { name: "X", value: "dup" },
                ],
                ports: [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP" }],
              },
            ],
            tolerations: [{ key: "k1", operator: "Exists" }],
            volumes: [{ name: "only", emptyDir: {} }],
          },
        },
      },
    });
  });

  it("replaces every list of a custom resource, deletes with null, keeps untouched nulls", () => {
    const out = merge(
      `
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata: {name: app, namespace: apps}
      spec:
        interval: 5m
        values:
          env:
          - {name: A, value: "1"}
          - {name: B, value: "2"}
          hosts: [a.example.com, b.example.com]
          nested: {keep: 1, drop: 2}
          nullval: null
      `,
      `
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata: {name: app, namespace: apps}
      spec:
        values:
          env:
          - {name: B, value: "20"}
          hosts: [c.example.com]
          nested:
            drop: null
            added:
              x: 1
              y: null
              sub: {$patch: delete}
          list2:
          - {name: q, $patch: delete}
      `,
    );
    expect(out).toEqual({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "app", namespace: "apps" },
      spec: {
        interval: "5m",
        values: {
          env: [{ name: "B", value: "20" }],
          hosts: ["c.example.com"],
          list2: [{ name: "q", $patch: "delete" }],
          nested: { keep: 1, added: { x: 1 } },
          nullval: null,
        },
      },
    });
  });

  it("merges lists of an embedded built-in object inside a custom resource (kyaml's apiVersion/kind fallback)", () => {
    const out = merge(
      `
      apiVersion: example.com/v1
      kind: Wrapper
      metadata: {name: w}
      spec:
        pod:
          apiVersion: v1
          kind: Pod
          metadata: {name: inner}
          spec:
            containers: [{name: a, image: "a:1"}, {name: b, image: "b:1"}]
        plain:
          containers: [{name: a, image: "a:1"}]
      `,
      `
      apiVersion: example.com/v1
      kind: Wrapper
      metadata: {name: w}
      spec:
        pod:
          spec:
            containers: [{name: b, image: "b:2"}]
        plain:
          containers: [{name: a, image: "a:2"}]
      `,
    );
    expect(out?.spec).toEqual({
      pod: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "inner" },
        spec: {
          containers: [
            { name: "b", image: "b:2" },
            { name: "a", image: "a:1" },
          ],
        },
      },
      plain: { containers: [{ name: "a", image: "a:2" }] },
    });
  });

  it("merges nested maps and lists inside matched elements; map-level replace and delete", () => {
    const out = merge(
      `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d}
      spec:
        template:
          spec:
            imagePullSecrets: [{name: s1}]
            securityContext: {runAsUser: 1}
            volumes:
            - {name: v1, configMap: {name: c1}}
            - {name: v2, secret: {secretName: s}}
            containers:
            - name: a
              volumeMounts: [{name: v1, mountPath: /a}]
              resources: {limits: {cpu: 1, memory: 1Gi}}
      `,
      `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d}
      spec:
        template:
          spec:
            imagePullSecrets: [{name: s2}]
            securityContext: {$patch: replace, fsGroup: 2}
            volumes:
            - {name: v1, configMap: null, emptyDir: {}}
            - {name: v2, $patch: delete}
            containers:
            - name: a
              volumeMounts: [{name: v3, mountPath: /b}]
              resources: {limits: {cpu: null}}
      `,
    );
    expect(out?.spec).toEqual({
      template: {
        spec: {
          imagePullSecrets: [{ name: "s2" }, { name: "s1" }],
          securityContext: { fsGroup: 2 },
          volumes: [{ name: "v1", emptyDir: {} }],
          containers: [
            {
              name: "a",
              volumeMounts: [
                { name: "v3", mountPath: "/b" },
                { name: "v1", mountPath: "/a" },
              ],
              resources: { limits: { memory: "1Gi" } },
            },
          ],
        },
      },
    });
  });

  it("keeps kyaml's two-key port merge order and unifies ports with and without protocol", () => {
    const out = merge(
      `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
            - name: a
              ports:
              - {containerPort: 80, protocol: TCP}
              - {containerPort: 80, protocol: UDP}
              - {containerPort: 90}
      `,
      `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
            - name: a
              ports:
              - {containerPort: 90, name: x}
              - {containerPort: 80, protocol: UDP, name: udp}
      `,
    );
    expect(out?.spec).toEqual({
      template: {
        spec: {
          containers: [
            {
              name: "a",
              ports: [
                { containerPort: 80, protocol: "TCP" },
                { containerPort: 80, protocol: "UDP", name: "udp" },
                { containerPort: 90, name: "x" },
              ],
            },
          ],
        },
      },
    });
  });

  it("reproduces kyaml dropping siblings of an element without merge key, even in untouched lists", () => {
    const target = `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
            - name: a
              volumeMounts:
              - {mountPath: /a, name: a}
              - {name: nomount}
              - {mountPath: /c, name: c}
            - image: noname
            - name: z
    `;
    const patch = "{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 2}}";
    expect(merge(target, patch)?.spec).toEqual({
      replicas: 2,
      template: { spec: { containers: [{ image: "noname" }] } },
    });
    const named = target.replace("- image: noname", "");
    expect(merge(named, patch)?.spec).toEqual({
      replicas: 2,
      template: { spec: { containers: [{ name: "a", volumeMounts: [{ name: "nomount" }] }, { name: "z" }] } },
    });
  });

  it("deletes the whole object with a top-level $patch: delete", () => {
    const r = strategicMergePatch(doc(DEPLOYMENT), {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      $patch: "delete",
    });
    expect(r).toEqual({ ok: true, value: null });
  });

  it("does not modify its inputs", () => {
    const target = doc(DEPLOYMENT);
    const patch = doc(
      "{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, finalizers: [z]}, spec: {template: {spec: {containers: [{name: b, $patch: delete}]}}}}",
    );
    const before = [structuredClone(target), structuredClone(patch)];
    merge(DEPLOYMENT, "{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}}");
    strategicMergePatch(target, patch);
    expect([target, patch]).toEqual(before);
  });

  it("fails like kubectl on kind mismatches and unknown directives", () => {
    const hr = doc(
      "{apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, metadata: {name: a}, spec: {interval: 5m, values: {env: [1]}}}",
    );
    const mismatch = strategicMergePatch(
      hr,
      doc(
        "{apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, metadata: {name: a}, spec: {interval: {a: 1}}}",
      ),
    );
    expect(mismatch.ok).toBe(false);
    expect(!mismatch.ok && mismatch.error).toMatch(
      /^wrong node kind: expected ScalarNode but got MappingNode: node contents:\na: 1/,
    );
    const seq = strategicMergePatch(
      hr,
      doc(
        "{apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, metadata: {name: a}, spec: {values: {env: {a: 1}}}}",
      ),
    );
    expect(!seq.ok && seq.error).toMatch(/^wrong node kind: expected SequenceNode but got MappingNode/);
    const unknown = strategicMergePatch(
      hr,
      doc(
        "{apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, metadata: {name: a}, spec: {$patch: sideways}}",
      ),
    );
    expect(unknown).toEqual({ ok: false, error: "unknown patch strategy 'sideways'" });
  });
});
