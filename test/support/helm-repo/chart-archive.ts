/**
 * A tiny Helm chart as a packaged archive (`helm package`'s layout: a gzip'd tar whose entries sit under
 * `<name>/`): Chart.yaml, values.yaml and one template. Deterministic (fixed mtime), so the same chart
 * gives the same digest.
 */
import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";

export interface TinyChart {
  name: string;
  version: string;
  /** values.yaml; default `replicas: 1`. */
  values?: string;
  /** templates/x.yaml; default a ConfigMap naming the release. */
  template?: string;
  /** Extra bytes in a file, to make the archive large (incompressible, seeded). */
  padding?: number;
}

export async function chartArchive(chart: TinyChart): Promise<Uint8Array> {
  const files: Array<[string, Uint8Array]> = [
    [
      "Chart.yaml",
      text(`apiVersion: v2\nname: ${chart.name}\nversion: ${chart.version}\ntype: application\n`),
    ],
    ["values.yaml", text(chart.values ?? "replicas: 1\n")],
    [
      "templates/x.yaml",
      text(
        chart.template ??
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n",
      ),
    ],
  ];
  if (chart.padding) files.push(["files/padding.bin", noise(chart.padding)]);
  const mtime = new Date("2024-01-01T00:00:00Z");
  const tar = await packTar(
    files.map(([path, body]) => ({
      header: { name: `${chart.name}/${path}`, size: body.length, mtime },
      body,
    })),
  );
  return new Uint8Array(gzipSync(tar));
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Bytes gzip cannot shrink (xorshift), so an archive's size follows `n`. */
function noise(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}
