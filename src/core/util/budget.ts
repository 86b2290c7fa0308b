/**
 * How much the engine may materialize while analyzing one revision: a byte allowance that every build of
 * the analysis draws on (kustomize loads, generated objects, patch and replacement copies, post-build
 * substitution output), on top of each build's own limit. Repository content controls how much a build
 * copies and expands, so without a total, many small builds could each stay under their own limit and
 * still exhaust memory together.
 *
 * Sizes are about the JSON length of what is made (see yaml/read-documents.ts expandedSize), counted when
 * it is made; work a cache saves (a build reused from the other revision) costs nothing.
 */

/**
 * Per revision, in heapCost units: the largest repository of the real-world corpus materializes 5 MiB,
 * and the synthetic repository at the reliability plan's cap (8 MiB of YAML, 2,081 Kustomizations) 37 MiB.
 */
export const DEFAULT_ANALYSIS_BYTES = 64 * 1024 * 1024;

/**
 * Per analysis session (the two revisions of a pull request share one): what the YAML files parsed may
 * cost, counted like the builds (heapCost) — the reliability plan's "8 MiB of YAML per ref", measured by
 * what the parsed files hold rather than their length (a 1 MiB flow mapping of 95,000 tiny entries holds
 * several times what a 1 MiB manifest does). Parsed files are kept for reuse, so this bounds that cache.
 * The synthetic repository at the plan's cap costs 20 MiB for both revisions, the largest real-world
 * corpus repository 1 MiB.
 */
export const DEFAULT_PARSE_BYTES = 32 * 1024 * 1024;

export class ByteBudget {
  used = 0;

  constructor(readonly limit: number = DEFAULT_ANALYSIS_BYTES) {}

  /** Counts `bytes`; false when the total is now over the limit. */
  charge(bytes: number): boolean {
    this.used += bytes;
    return this.used <= this.limit;
  }

  /** True once a charge went over the limit. */
  get exhausted(): boolean {
    return this.used > this.limit;
  }
}

export const MiB = 1024 * 1024;

/**
 * What one value costs in memory beyond its characters (an object property or list entry, a small
 * object): objects of many tiny values take several times their JSON length on the heap.
 */
export const NODE_COST = 48;

/** The cost charged for materializing a value of this size (see yaml/read-documents.ts measureValue). */
export function heapCost(size: { bytes?: number | undefined; nodes?: number | undefined }): number {
  return (size.bytes ?? 0) + NODE_COST * (size.nodes ?? 0);
}

/** "64 MiB", "512 KiB", "900 bytes": a limit or size in words. */
export function sizeText(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
