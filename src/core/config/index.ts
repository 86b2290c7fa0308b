/**
 * The engine's config entry point: the repository config file (.github/flux-impact.yml) parsed and
 * validated into an AppConfig (issues as diagnostics, never thrown), its `extends`, the defaults, and
 * the JSON Schema generated from it. Pure: the adapters fetch the text.
 */
export { extendedConfig, extendsTarget } from "./extends.ts";
export {
  CONFIG_FILE,
  type ConfigIssue,
  configDiagnostics,
  configOfSnapshot,
  type ParsedConfig,
  parseConfigText,
} from "./parse-config.ts";
export { type AppConfig, appConfigJsonSchemaText, DEFAULT_CONFIG } from "./schema.ts";
