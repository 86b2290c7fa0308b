/**
 * A chart as an OCI artifact, as `helm push` lays it out: a config blob (`application/vnd.cncf.helm.config.v1+json`,
 * the chart's metadata), one layer (`application/vnd.cncf.helm.chart.content.v1.tar+gzip`, the archive)
 * and an OCI image manifest naming both, with Helm's annotations. The layer's media type can be changed
 * for other artifacts (Flux's `application/vnd.cncf.flux.content.v1.tar+gzip`).
 */
import { createHash } from "node:crypto";
import { HELM_CHART_LAYER, HELM_CONFIG } from "../../../src/charts/index.ts";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

export interface OciArtifact {
  manifest: Uint8Array;
  manifestDigest: string;
  config: Uint8Array;
  configDigest: string;
  layer: Uint8Array;
  layerDigest: string;
}

export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export interface ArtifactOptions {
  name: string;
  version: string;
  layerMediaType?: string;
  configMediaType?: string;
  /** Extra layers before the chart's (an artifact whose first layer is not the chart). */
  leadingLayers?: Array<{ mediaType: string; bytes: Uint8Array }>;
}

export function chartArtifact(
  archive: Uint8Array,
  options: ArtifactOptions,
): OciArtifact & { extra: Uint8Array[] } {
  const config = new TextEncoder().encode(
    JSON.stringify({ apiVersion: "v2", name: options.name, version: options.version }),
  );
  const descriptor = (mediaType: string, bytes: Uint8Array) => ({
    mediaType,
    digest: digestOf(bytes),
    size: bytes.length,
  });
  const extra = (options.leadingLayers ?? []).map((l) => l.bytes);
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor(options.configMediaType ?? HELM_CONFIG, config),
      layers: [
        ...(options.leadingLayers ?? []).map((l) => descriptor(l.mediaType, l.bytes)),
        descriptor(options.layerMediaType ?? HELM_CHART_LAYER, archive),
      ],
      annotations: {
        "org.opencontainers.image.title": options.name,
        "org.opencontainers.image.version": options.version,
      },
    }),
  );
  return {
    manifest,
    manifestDigest: digestOf(manifest),
    config,
    configDigest: digestOf(config),
    layer: archive,
    layerDigest: digestOf(archive),
    extra,
  };
}
