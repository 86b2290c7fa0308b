/** `flux-impact graph [DIR]`: the discovered Flux objects as text, JSON or Mermaid. */
import type { AnalyzedRepository } from "../../core/index.ts";
import { graphJson, graphMermaid, graphText } from "../../core/report/index.ts";
import { type CliIo, UsageError } from "../options.ts";

export function graphCommand(model: AnalyzedRepository, format: string, io: CliIo): number {
  if (format === "json") io.stdout(`${JSON.stringify(graphJson(model), null, 2)}\n`);
  else if (format === "mermaid") io.stdout(graphMermaid(model));
  else if (format === "text") io.stdout(graphText(model));
  else throw new UsageError(`--format must be json, text or mermaid (got "${format}")`);
  return model.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
}
