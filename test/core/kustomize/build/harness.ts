/**
 * Harness for the krusty-style build tests: write a repository into a memory snapshot, build one Flux
 * Kustomization directory with buildFluxKustomization, and print the output stream the way kubectl
 * kustomize prints it (documents joined by "---"), in Flux's (FIFO) order.
 *
 * Expected outputs in these tests were checked with `kubectl kustomize --load-restrictor
 * LoadRestrictionsNone` (kustomize v5.5.0); kubectl sorts its output (legacy order), ours is not sorted.
 */
import type { Diagnostic } from "../../../../src/core/diagnostics.ts";
import type { RenderLimits } from "../../../../src/core/kustomize/context.ts";
import { buildFluxKustomization, type FluxBuildSpec } from "../../../../src/core/kustomize/flux-root.ts";
import { createMemorySnapshot, type SnapshotOptions } from "../../../../src/core/snapshot/repo-snapshot.ts";
import { stringifyYamlStream } from "../../../../src/core/yaml/stringify.ts";
import { dedent } from "../../../support/fixtures/text.ts";

export interface BuildOutput {
  /** The full output stream, as kubectl kustomize would print it (without sorting). */
  yaml: string;
  diagnostics: Diagnostic[];
  /** Whether kustomize (and so Flux) would fail this build. */
  failed: boolean;
  /** Repository files the output depends on. */
  reads: string[];
}

export interface BuildOptions {
  snapshot?: SnapshotOptions;
  limits?: RenderLimits;
}

/** Build `dir` of a repository made of `files` (string contents are dedented; bytes are kept as is). */
export function build(
  files: Record<string, string | Uint8Array>,
  dir: string,
  spec: Omit<Partial<FluxBuildSpec>, "dir"> = {},
  options: BuildOptions = {},
): BuildOutput {
  const input = Object.fromEntries(
    Object.entries(files).map(([path, content]) => [
      path,
      typeof content === "string" ? dedent(content) : content,
    ]),
  );
  const snapshot = createMemorySnapshot(input, options.snapshot);
  const { resources, ctx } = buildFluxKustomization(snapshot, { ...spec, dir }, options.limits);
  return {
    yaml: stringifyYamlStream(resources.map((r) => r.obj)),
    diagnostics: ctx.diagnostics,
    failed: ctx.failed,
    reads: [...ctx.reads].sort(),
  };
}

/** Code, file and line of each diagnostic, for compact assertions. */
export function where(
  diagnostics: readonly Diagnostic[],
): Array<{ code: string; file?: string; line?: number }> {
  return diagnostics.map((d) => {
    const w: { code: string; file?: string; line?: number } = { code: d.code };
    if (d.file !== undefined) w.file = d.file;
    if (d.line !== undefined) w.line = d.line;
    return w;
  });
}
