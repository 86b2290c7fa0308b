/**
 * The engine's Helm entry point. For now Go's text/template as Helm runs it (helm/template/): parse and
 * execute over Go-shaped values; sprig's functions (sprig.ts) and Helm's own (funcs.ts). Pure.
 */

export { parseSetInto } from "../impact/helm-strvals.ts";
export { effectiveValues, mergeMaps } from "../impact/helm-values.ts";
export {
  DEFAULT_API_VERSIONS,
  DEFAULT_KUBE_VERSION,
  defaultCapabilities,
  parseKubeVersion,
} from "./capabilities.ts";
export {
  type Chart,
  type ChartDependency,
  type ChartFile,
  type ChartFiles,
  ChartLoadError,
  type ChartMetadata,
  chartFullPath,
  loadChart,
  readValues,
} from "./chart.ts";
export { coalesceTables, coalesceValues, mergeValues, processDependencies, type Values } from "./coalesce.ts";
export {
  allTemplates,
  type Capabilities,
  chartMetadataValue,
  type EngineOptions,
  type ReleaseOptions,
  type Renderable,
  RenderError,
  renderChart,
  renderTemplates,
  renderValues,
  sortTemplates,
} from "./engine.ts";
export { helmFunctions, MAX_INCLUDE_DEPTH } from "./funcs.ts";
export {
  type ChartLocation,
  chartFilesIn,
  chartLocation,
  type HelmReleaseRender,
  HelmReleaseRenderError,
  notTheClusters,
  type RenderHelmReleaseOptions,
  releaseName,
  releaseNamespace,
  renderedYaml,
  renderHelmRelease,
  unresolvedDependencies,
} from "./helm-release.ts";
export { fromPlain } from "./json.ts";
export {
  crdFiles,
  HelmTemplateError,
  type HelmTemplateOptions,
  type HelmTemplateResult,
  helmTemplate,
  INSTALL_ORDER,
  type ReleaseManifest,
  splitManifests,
} from "./release.ts";
export { type SchemaSkip, validateValuesSchemas } from "./schema.ts";
export {
  deepEqual,
  isEmpty,
  type SprigOptions,
  sprigFunctions,
  strval,
  toFloat64,
  toInt64,
} from "./sprig.ts";
export {
  FuncError,
  formatFloat,
  formatValue,
  type GoFunction,
  type GoValue,
  goKind,
  goQuote,
  goTypeName,
  isTrue,
  LimitError,
  NO_VALUE,
  sprint,
  sprintf,
  sprintln,
  TemplateError,
  type TemplateOptions,
  TemplateSet,
  ZERO,
} from "./template/index.ts";
