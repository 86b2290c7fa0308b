/**
 * Secrets that exist in the cluster without being in the repository: a controller creates them from an
 * object that is (ExternalSecret, SealedSecret, cert-manager Certificate, …). Their content is unknown
 * offline, but references to them (substituteFrom, valuesFrom) are satisfied.
 */
import { getName, isJsonObject, type JsonObject } from "../kustomize/resource.ts";

export function createdSecrets(obj: JsonObject): string[] {
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  switch (obj.kind) {
    case "ExternalSecret": {
      const target = isJsonObject(spec.target) ? spec.target : {};
      return [typeof target.name === "string" && target.name ? target.name : getName(obj)];
    }
    case "SealedSecret":
    case "OnePasswordItem":
    case "BitwardenSecret":
      return [getName(obj)];
    case "Certificate":
      return typeof spec.secretName === "string" ? [spec.secretName] : [];
    default:
      return [];
  }
}
