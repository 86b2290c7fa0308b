/**
 * The repository configuration for CLI commands: `--config FILE` when given, else the
 * `.github/flux-impact.yml` of the snapshot the command trusts (for `diff`, the base revision — a change
 * cannot loosen its own gate). Problems in the file become `config-invalid` findings; defaults apply.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type AppConfig,
  configDiagnostics,
  configOfSnapshot,
  parseConfigText,
} from "../core/config/index.ts";
import type { Diagnostic, RepoSnapshot } from "../core/index.ts";
import { UsageError } from "./options.ts";

export interface LoadedConfig {
  config: AppConfig;
  /** `config-invalid` findings, already located in the file. */
  diagnostics: Diagnostic[];
}

export function loadConfig(configFile: string | undefined, snapshot: RepoSnapshot): LoadedConfig {
  if (configFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(configFile), "utf8");
    } catch {
      throw new UsageError(`cannot read the configuration file ${configFile}`);
    }
    const { config, issues } = parseConfigText(text, configFile);
    return { config, diagnostics: configDiagnostics(issues, configFile) };
  }
  const { config, issues } = configOfSnapshot(snapshot);
  return { config, diagnostics: configDiagnostics(issues) };
}
