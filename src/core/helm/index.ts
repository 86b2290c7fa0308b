/**
 * The engine's Helm entry point. For now Go's text/template as Helm runs it (helm/template/): parse and
 * execute over Go-shaped values. Pure.
 */
export {
  FuncError,
  formatFloat,
  formatValue,
  type GoFunction,
  type GoValue,
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
