import { describe, expect, it } from "vitest";
import {
  applyImages,
  imageMatches,
  rewriteImage,
  splitImage,
} from "../../../../src/core/kustomize/transforms/images.ts";
import { defaultTransformerConfig } from "../../../../src/core/kustomize/transforms/transformer-config.ts";
import { objects, objectsOf, resmapOf } from "./fixtures.ts";

describe("core/kustomize/transforms/images", () => {
  it("matches kubectl kustomize: tags, digests, registries with ports, CR containers, CRDs skipped, tagSuffix twice", () => {
    const m = resmapOf(`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        template:
          spec:
            initContainers:
            - name: i
              image: nginx@sha256:abc
            containers:
            - name: a
              image: nginx
            - name: b
              image: nginx:1.2
            - name: c
              image: nginx2:1.0
            - name: d
              image: registry.local:5000/team/app:3
            - name: e
              image: docker.io/library/nginx:1
            - name: f
              image: tagged:1.0
            - name: g
              image: both:1.0@sha256:def
            - name: h
              image: sfx:1.0
            - name: noimage
      ---
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: hr
      spec:
        values:
          deep:
            containers:
            - image: nginx:0.1
            initContainers:
            - image: tagged
          image: nginx
      ---
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.x.io
      spec:
        containers:
        - image: nginx
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: p
      spec:
        containers:
        - image: nginx
          name: x
    `);
    const errors = applyImages(
      m,
      [
        { name: "nginx", newTag: "1.25" },
        { name: "registry.local:5000/team/app", newName: "ghcr.io/team/app", digest: "sha256:111" },
        { name: "tagged", newTag: "v2", digest: "sha256:222" },
        { name: "both", newName: "both2" },
        { name: "sfx", tagSuffix: "-debug" },
      ],
      defaultTransformerConfig(),
    );
    expect(errors).toEqual([]);
    // kubectl kustomize output. nginx@sha256:abc loses its digest for the new tag; nginx2 and
    // docker.io/library/nginx do not match "nginx"; newTag plus digest gives both; the HelmRelease values'
    // containers are rewritten by the legacy pass, its plain "image:" key is not; the tagSuffix is applied by
    // both passes.
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
              - image: nginx:1.25
                name: a
              - image: nginx:1.25
                name: b
              - image: nginx2:1.0
                name: c
              - image: ghcr.io/team/app@sha256:111
                name: d
              - image: docker.io/library/nginx:1
                name: e
              - image: tagged:v2@sha256:222
                name: f
              - image: both2:1.0@sha256:def
                name: g
              - image: sfx:1.0-debug-debug
                name: h
              - name: noimage
              initContainers:
              - image: nginx:1.25
                name: i
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: hr
        spec:
          values:
            deep:
              containers:
              - image: nginx:1.25
              initContainers:
              - image: tagged:v2@sha256:222
            image: nginx
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.x.io
        spec:
          containers:
          - image: nginx
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
          - image: nginx:1.25
            name: x
      `),
    );
  });

  it("splits images like kustomize, not taking a registry port for a tag", () => {
    expect(splitImage("nginx")).toEqual({ name: "nginx", tag: "", digest: "" });
    expect(splitImage("nginx:1.2")).toEqual({ name: "nginx", tag: "1.2", digest: "" });
    expect(splitImage("nginx@sha256:abc")).toEqual({ name: "nginx", tag: "", digest: "sha256:abc" });
    expect(splitImage("nginx:1.2@sha256:abc")).toEqual({ name: "nginx", tag: "1.2", digest: "sha256:abc" });
    expect(splitImage("registry.local:5000/team/app")).toEqual({
      name: "registry.local:5000/team/app",
      tag: "",
      digest: "",
    });
    expect(splitImage("registry.local:5000/team/app:3")).toEqual({
      name: "registry.local:5000/team/app",
      tag: "3",
      digest: "",
    });
    expect(splitImage("registry.local:5000/app@sha256:x")).toEqual({
      name: "registry.local:5000/app",
      tag: "",
      digest: "sha256:x",
    });
  });

  it("matches names as anchored patterns followed by an optional tag and digest", () => {
    expect(imageMatches("nginx", "nginx")).toBe(true);
    expect(imageMatches("nginx:1.2", "nginx")).toBe(true);
    expect(imageMatches("nginx@sha256:abc", "nginx")).toBe(true);
    expect(imageMatches("nginx:1.2@sha256:abc", "nginx")).toBe(true);
    expect(imageMatches("nginx2", "nginx")).toBe(false);
    expect(imageMatches("docker.io/nginx", "nginx")).toBe(false);
    expect(imageMatches("registry.local:5000/team/app:3", "registry.local:5000/team/app")).toBe(true);
    expect(imageMatches("anything", "(")).toBe(false);
    expect(rewriteImage("nginx:1", { name: "nginx", newName: "mirror/nginx" })).toBe("mirror/nginx:1");
    expect(rewriteImage("nginx:1@sha256:a", { name: "nginx", digest: "sha256:b" })).toBe("nginx@sha256:b");
    expect(rewriteImage("redis", { name: "nginx", newTag: "2" })).toBeUndefined();
  });

  it("turns null container lists into empty lists and leaves null images alone, like kustomize", () => {
    const m = resmapOf(`
      apiVersion: v1
      kind: Pod
      metadata:
        name: p
      spec:
        containers: null
        initContainers: ~
      ---
      apiVersion: example.com/v1
      kind: Thing
      metadata:
        name: t
      spec:
        containers:
        - image: null
        - image: 5
        x:
          containers:
            initContainers:
            - image: nginx:1
    `);
    expect(
      applyImages(
        m,
        [
          { name: "nginx", newTag: "2" },
          { name: "5", newName: "five" },
        ],
        defaultTransformerConfig(),
      ),
    ).toEqual([]);
    // kubectl kustomize output.
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers: []
          initContainers: []
        ---
        apiVersion: example.com/v1
        kind: Thing
        metadata:
          name: t
        spec:
          containers:
          - image: null
          - image: five
          x:
            containers:
              initContainers:
              - image: nginx:2
      `),
    );
  });

  it("fails like kustomize on containers that are not maps and images that are not scalars", () => {
    const names = resmapOf(`
      apiVersion: example.com/v1
      kind: Thing
      metadata:
        name: t
      spec:
        containers: [a, b]
    `);
    expect(applyImages(names, [{ name: "nginx", newTag: "2" }], defaultTransformerConfig())).toEqual([
      "wrong node kind: expected MappingNode but got ScalarNode: node contents:\na\n",
    ]);
    const map = resmapOf(`
      apiVersion: example.com/v1
      kind: Thing
      metadata:
        name: t
      spec:
        containers:
        - image: {a: 1}
    `);
    expect(applyImages(map, [{ name: "nginx", newTag: "2" }], defaultTransformerConfig())).toEqual([
      "wrong node kind: expected ScalarNode but got MappingNode: node contents:\na: 1\n",
    ]);
  });
});
