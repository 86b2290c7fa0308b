/**
 * Shared YAML text fragments of the synthetic repository: schema comment headers, kustomization.yaml files,
 * resource metadata and ExternalSecrets. Builds strings only; consumes no random numbers.
 */
import type { Rng } from "./random.ts";

const SCHEMAS = "https://schemas.synthetic-ops.example";

export function header(schema: string): string {
  return `---\n# yaml-language-server: $schema=${SCHEMAS}/${schema}.json\n`;
}

export function kustomizeFile(
  kind: "Kustomization" | "Component",
  resources: readonly string[],
  extra = "",
): string {
  const apiVersion = kind === "Component" ? "v1alpha1" : "v1beta1";
  const list = resources.map((r) => `  - ${r}\n`).join("");
  return `---\n# yaml-language-server: $schema=https://json.schemastore.org/kustomization
apiVersion: kustomize.config.k8s.io/${apiVersion}\nkind: ${kind}\nresources:\n${list}${extra}`;
}

export function externalSecret(name: string, item: string, keys: readonly string[]): string {
  return `${header("external-secrets.io/externalsecret_v1")}apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: ${name}
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault-backend
  target:
    name: ${name}-secret
    template:
      data:
${keys.map((k) => `        ${k}: "{{ .${k} }}"\n`).join("")}  dataFrom:
    - extract:
        key: ${item}
`;
}

export function snake(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

/** Generator of a plain resource file: (rng, name, namespace) → file text. */
export type ExtraFn = (rng: Rng, name: string, ns: string) => string;

export function metadata(apiVersion: string, kind: string, name: string, schema?: string): string {
  const labels = `  labels:\n    app.kubernetes.io/component: ${kind.toLowerCase()}\n    app.kubernetes.io/managed-by: flux\n`;
  return `${schema ? header(schema) : "---\n"}apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${labels}`;
}
