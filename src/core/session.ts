/**
 * One analysis session: the caches of derived data that the analyses of a repository's revisions share
 * (a pull request's base and head). The caller creates it and hands it to the snapshots it loads
 * (`createMemorySnapshot(files, { session })`); every cache of the engine lives here, none in a module.
 *
 * Entries are keyed by content (parsed files by path and text, patches by text), or by the object they
 * derive from (a snapshot, a model), so one session may serve any number of revisions; dropping the session
 * drops every cache.
 */

import type { DisabledManifest } from "./flux/disabled-manifests.ts";
import type { DiscoveryCaches } from "./flux/discover.ts";
import type { RawFluxObject } from "./flux/raw-scan.ts";
import type { ParsedFile, ParsedFiles } from "./kustomize/context.ts";
import type { PatchParse } from "./kustomize/patch/patch-text.ts";
import type { JsonObject } from "./kustomize/resource.ts";
import type { RepositoryModel } from "./model.ts";
import type { RepoSnapshot } from "./snapshot/repo-snapshot.ts";
import { ByteBudget, DEFAULT_PARSE_BYTES } from "./util/budget.ts";

export class AnalysisSession {
  /** Parsed YAML files by path, reused while the text is the same. */
  readonly parsedFiles = new Map<string, { text: string; parsed: ParsedFile }>();
  /**
   * Parsed files of stored analyses of other revisions (pull-request.ts adoptBase), taken one file at a time
   * for a file whose text is the one that revision had (`textOf`; undefined when it is not known).
   */
  readonly adoptedParses: Array<{ parsedFiles: ParsedFiles; textOf: (path: string) => string | undefined }> =
    [];
  /**
   * The Flux objects the raw scan (flux/raw-scan.ts) found in each file, by path, reused while the text is
   * the same. A stored base analysis carries these instead of its parses: a pull request's head then
   * parses only the files its changed builds read.
   */
  readonly fluxScans = new Map<string, { text: string; objects: readonly RawFluxObject[] }>();
  /** What parsing YAML files may cost this session (util/budget.ts DEFAULT_PARSE_BYTES). */
  readonly parseBudget: ByteBudget;

  constructor(options: { parseBytes?: number } = {}) {
    this.parseBudget = new ByteBudget(options.parseBytes ?? DEFAULT_PARSE_BYTES);
  }
  /** Parsed inline patches by source and text (a parent's spec.patches is applied by dozens of children). */
  readonly patches = new Map<string, PatchParse>();
  /** `.dis` manifests of each snapshot. */
  readonly disabledManifests = new WeakMap<RepoSnapshot, DisabledManifest[]>();
  /** Core v1 objects each model renders, by "kind/namespace/name" (keyed by the model's Kustomization list). */
  readonly renderedIndexes = new WeakMap<object, Map<string, JsonObject>>();
  /** Each analysis' builds by cluster, for a later analysis of another revision to reuse. */
  readonly builds = new WeakMap<
    RepositoryModel,
    Map<string, { caches: DiscoveryCaches; excluded: string }>
  >();
}
