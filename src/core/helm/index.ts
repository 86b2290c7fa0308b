/**
 * The engine's Helm entry point. For now Go's text/template as Helm runs it (helm/template/): parse and
 * execute over Go-shaped values; sprig's functions (sprig.ts) and Helm's own (funcs.ts). Pure.
 */
export { helmFunctions, MAX_INCLUDE_DEPTH } from "./funcs.ts";
export { deepEqual, isEmpty, sprigFunctions, strval, toFloat64, toInt64 } from "./sprig.ts";
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
  NO_VALUE,
  sprint,
  sprintf,
  sprintln,
  TemplateError,
  type TemplateOptions,
  TemplateSet,
  ZERO,
} from "./template/index.ts";
