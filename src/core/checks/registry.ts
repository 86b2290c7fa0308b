/** Every rule, in report order. Add a rule here and it runs everywhere (CLI check, diff, the App). */

import { archiveExportRules, archiveSkippedEntries, yamlAmbiguousValues } from "./rules/archive.ts";
import { dangerDeletions, dangerDisabledDepended, dangerImmutable, dangerSuspend } from "./rules/danger.ts";
import {
  fluxApiVersions,
  fluxObjectConflicts,
  fluxPathMissing,
  fluxSourceRefs,
} from "./rules/flux-validation.ts";
import {
  healthDisabledServices,
  healthImageAutomation,
  healthOrphans,
  healthUnusedHelmRepositories,
} from "./rules/health.ts";
import type { Rule } from "./types.ts";

export const RULES: readonly Rule[] = [
  fluxApiVersions,
  fluxPathMissing,
  fluxSourceRefs,
  fluxObjectConflicts,
  dangerDeletions,
  dangerDisabledDepended,
  dangerSuspend,
  dangerImmutable,
  healthOrphans,
  healthDisabledServices,
  healthImageAutomation,
  healthUnusedHelmRepositories,
  archiveSkippedEntries,
  archiveExportRules,
  yamlAmbiguousValues,
];
