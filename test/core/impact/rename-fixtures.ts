/** Fixtures for rename tests: one Flux Kustomization per service, as a homelab repository lays them out. */
/** A Kustomization `name` in apps/<name>.yaml applying svc/<name>: a Deployment and its ConfigMap (+ extras). */
export function service(name: string, extras: string[] = []): Record<string, string> {
  const objects = [
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: media}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: app, image: ghcr.io/x/app:1.0}]}\n`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}-config, namespace: media}\ndata: {LOG_LEVEL: info}\n`,
    ...extras.map((e) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${e}, namespace: media}\n`),
  ];
  return {
    "apps/kustomization.yaml": `resources: [${name}.yaml]\n`,
    [`apps/${name}.yaml`]: `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec: {interval: 1h, path: ./svc/${name}, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n`,
    [`svc/${name}/all.yaml`]: objects.join("---\n"),
  };
}
