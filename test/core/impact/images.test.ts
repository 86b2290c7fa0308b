import { describe, expect, it } from "vitest";
import { imagesIn } from "../../../src/core/impact/images.ts";
import type { JsonValue } from "../../../src/core/kustomize/resource.ts";

describe("core/impact/images", () => {
  it.each<[string, JsonValue, string[]]>([
    [
      "bjw-s app-template controllers.*.containers.*.image",
      {
        controllers: {
          app: {
            containers: {
              app: { image: { repository: "ghcr.io/home-operations/sonarr", tag: "4.0.15.2941" } },
              sidecar: {
                image: {
                  repository: "ghcr.io/gethomepage/homepage",
                  tag: "v1.4.0",
                  digest: "sha256:0a1b2c3d4e5f",
                },
              },
            },
            initContainers: { init: { image: { repository: "busybox" } } },
          },
        },
      },
      [
        "busybox",
        "ghcr.io/gethomepage/homepage:v1.4.0@sha256:0a1b2c3d4e5f",
        "ghcr.io/home-operations/sonarr:4.0.15.2941",
      ],
    ],
    [
      "bitnami image.registry/repository/tag/digest",
      {
        image: { registry: "docker.io", repository: "bitnami/redis", tag: "7.4.2-debian-12-r0", digest: "" },
        metrics: { image: { registry: "docker.io", repository: "bitnami/redis-exporter", tag: 1.67 } },
      },
      ["docker.io/bitnami/redis-exporter:1.67", "docker.io/bitnami/redis:7.4.2-debian-12-r0"],
    ],
    [
      "bitnami global.imageRegistry overrides registry",
      {
        global: { imageRegistry: "mirror.local" },
        image: { registry: "docker.io", repository: "bitnami/nginx", tag: "1.27" },
      },
      ["mirror.local/bitnami/nginx:1.27"],
    ],
    [
      "plain strings under image and …Image keys, in lists",
      {
        image: "nginx:1.27",
        sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.31@sha256:abc123" }],
        initImage: " busybox:1.36 ",
      },
      ["busybox:1.36", "envoyproxy/envoy:v1.31@sha256:abc123", "nginx:1.27"],
    ],
    [
      "a repository+tag map under any key",
      { app: { server: { repository: "quay.io/org/server", tag: "2.0" } } },
      ["quay.io/org/server:2.0"],
    ],
    [
      "not images: templates, URLs, pull policies, git repositories, empty values",
      {
        image: { repository: "{{ .Values.repo }}", tag: "1" },
        backupImage: "",
        pullPolicy: "IfNotPresent",
        chart: { repository: "https://charts.example.com", tag: "1.0" },
        git: { repository: "git@github.com:org/repo.git" },
        templateImage: "{{ .Values.image }}",
      },
      [],
    ],
  ])("%s", (_name, values, expected) => {
    expect(imagesIn(values)).toEqual(expected);
  });

  it("reports each reference once, sorted byte-wise", () => {
    expect(
      imagesIn({
        a: { image: "b/app:1" },
        b: { image: "B/app:1" },
        c: { image: { repository: "b/app", tag: "1" } },
      }),
    ).toEqual(["B/app:1", "b/app:1"]);
  });
});

describe("core/impact/images pinned tags", () => {
  it("reads `tag: v1@sha256:…` as a tag pinned to a digest", () => {
    const digest = `sha256:${"5f".repeat(32)}`;

    expect(
      imagesIn({
        controllers: {
          a: { containers: { app: { image: { repository: "ghcr.io/x/y", tag: `v2.4.2@${digest}` } } } },
        },
      }),
    ).toEqual([`ghcr.io/x/y:v2.4.2@${digest}`]);
  });
});
