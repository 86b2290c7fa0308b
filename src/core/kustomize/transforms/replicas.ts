/**
 * `replicas:`: kustomize's ReplicaCountTransformer (api/internal/builtins, api/filters/replicacount).
 *
 * Each entry sets the replicas field (spec/replicas, created when missing) of every object whose
 * current or any previous name equals `name` and whose kind is one of the config's replicas field specs
 * (Deployment, ReplicationController, ReplicaSet, StatefulSet, any group). An entry that matches no
 * object is an error.
 */
import { gvkMatches, gvkString } from "../fieldspec/field-spec.ts";
import { applyFieldSpec, type FieldSlot, nodeKindName, setSlot, slotValue } from "../fieldspec/walk.ts";
import type { ReplicaEntry } from "../kustomization-file.ts";
import type { ResMap } from "../resmap.ts";
import type { TransformerConfig } from "./transformer-config.ts";

export function applyReplicas(resmap: ResMap, replicas: ReplicaEntry[], config: TransformerConfig): string[] {
  for (const entry of replicas) {
    const set = (slot: FieldSlot): string | undefined => {
      const value = slotValue(slot);
      if (value !== null && value !== undefined && typeof value === "object") {
        return `wrong node kind: expected ScalarNode but got ${nodeKindName(value)}`;
      }
      setSlot(slot, entry.count);
      return undefined;
    };
    let found = false;
    for (const fs of config.replicas) {
      const matches = resmap.matchingAnyId((id) => id.name === entry.name && gvkMatches(id, fs));
      if (matches.length > 0) found = true;
      for (const r of matches) {
        const error = applyFieldSpec(r.obj, fs, set, "scalar");
        if (error !== undefined) return [error];
      }
    }
    if (!found) {
      const gvks = config.replicas.map((fs) => gvkString(fs)).join(" ");
      return [`resource with name ${entry.name} does not match a config with the following GVK [${gvks}]`];
    }
  }
  return [];
}
