/**
 * The engine's rendering entry point: an ImpactReport (or a model, or a branch check) as the text GitHub
 * and the CLI show — the sticky comment, check runs and their annotations, the JSON report, the graph
 * views — plus the comment marker and the Markdown escaping the adapters need for their own text. Pure.
 */
export { renderBranchCheckRun } from "./branch-check-run.ts";
export {
  batchAnnotations,
  CHECK_OUTPUT_MAX,
  type CheckRunAnnotation,
  type CheckRunOutput,
  renderCheckRun,
} from "./check-run.ts";
export { type CommentOptions, renderComment } from "./comment.ts";
export { type Conclusion, reportConclusion } from "./conclusion.ts";
export { graphJson, graphMermaid, graphText } from "./graph-view.ts";
export { type ImpactJson, impactJson } from "./impact-json.ts";
export { clip, mdInline } from "./markdown.ts";
export { COMMENT_MARKER, hasCommentMarker } from "./markers.ts";
