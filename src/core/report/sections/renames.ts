/**
 * Renames in the comment: the pairing of a removed and an added Kustomization or HelmRelease lives in the
 * impact layer (src/core/impact/renames.ts), where the checks use it too; the report sections import it
 * from here.
 */
export { type RenamePair, renamePairs } from "../../impact/renames.ts";
