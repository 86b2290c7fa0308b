/**
 * Go's text/template in TypeScript, as Helm uses it: parse, then execute over GoValues (see values.ts for
 * how Go's types map to JavaScript). Pure and synchronous.
 */
export { FuncError, LimitError, type TemplateOptions, TemplateSet } from "./exec.ts";
export { goQuote, sprint, sprintf, sprintln } from "./fmt.ts";
export { TemplateError } from "./parse.ts";
export {
  formatFloat,
  formatValue,
  type GoFunction,
  type GoValue,
  goKind,
  goTypeName,
  isTrue,
  NO_VALUE,
  ZERO,
} from "./values.ts";
