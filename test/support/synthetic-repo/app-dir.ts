/**
 * Writes the files of one app directory (`app/` or a secondary one): ExternalSecret, extra resource files,
 * HelmRelease + OCIRepository, configMapGenerator files, and the directory's kustomization.yaml.
 */
import { EXTRA } from "./extras.ts";
import { helmRelease, ociRepository } from "./flux-files.ts";
import type { AppPlan, DirPlan } from "./plan.ts";
import type { Rng } from "./random.ts";
import { externalSecret, kustomizeFile, snake } from "./yaml-text.ts";

export function writeDir(
  rng: Rng,
  files: Map<string, string>,
  dir: string,
  app: AppPlan,
  plan: DirPlan,
): void {
  const resources: string[] = [];
  const name = plan.ksName;
  if (plan.externalSecret) {
    const keys = rng
      .shuffle(SECRET_KEYS)
      .slice(0, rng.int(2, 8))
      .map((k) => `${snake(app.name)}_${k}`);
    files.set(`${dir}/externalsecret.yaml`, externalSecret(name, app.name, keys));
    resources.push("./externalsecret.yaml");
  }
  for (const kind of plan.files) {
    files.set(`${dir}/${kind}.yaml`, EXTRA[kind]?.(rng, name, app.ns) ?? "");
    resources.push(`./${kind}.yaml`);
  }
  let generator = "";
  if (plan.release) {
    const backup = plan.sub === "app" && app.components.includes("backup");
    files.set(`${dir}/helmrelease.yaml`, helmRelease(rng, name, app.ns, plan, backup));
    files.set(`${dir}/ocirepository.yaml`, ociRepository(rng, name));
    resources.push("./helmrelease.yaml", "./ocirepository.yaml");
  }
  if (plan.configMap) {
    const entries = rng.shuffle(CONFIG_FILES).slice(0, rng.int(1, 2));
    for (const f of entries) files.set(`${dir}/resources/${f.file}`, f.text(rng, name));
    const shell = entries.some((f) => f.file.endsWith(".sh"));
    generator =
      `configMapGenerator:\n  - name: ${name}-configmap\n    files:\n` +
      entries.map((f) => `      - ${f.file}=./resources/${f.file}\n`).join("") +
      "generatorOptions:\n  disableNameSuffixHash: true\n" +
      (shell ? "  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n" : "");
  }
  files.set(`${dir}/kustomization.yaml`, kustomizeFile("Kustomization", resources.sort(), generator));
}

const SECRET_KEYS = [
  "API_KEY",
  "PASSWORD",
  "DB_URL",
  "OIDC_SECRET",
  "TOKEN",
  "SMTP_PASSWORD",
  "WEBHOOK_URL",
  "S3_KEY",
];

/** Files for configMapGenerators (under `resources/`). */
const CONFIG_FILES: ReadonlyArray<{ file: string; text: (rng: Rng, name: string) => string }> = [
  {
    file: "entrypoint.sh",
    text: (rng, name) => `#!/usr/bin/env bash
set -euo pipefail
# Refresh ${name} caches before the main process starts.
for dir in "\${CACHE_DIR:-/cache}"/*; do
  echo "pruning \${dir}"
  find "\${dir}" -type f -mtime +${rng.int(1, 30)} -delete
done
exec "$@"
`,
  },
  {
    file: "settings.yaml",
    text: (rng, name) => `server:
  name: ${name}
  port: ${rng.pick([8080, 9000])}
logging:
  level: info
  format: json
features:
${Array.from({ length: rng.int(4, 12) }, (_, i) => `  feature${i + 1}: ${rng.next() < 0.5 ? "true" : "false"}\n`).join("")}upstreams:
${Array.from({ length: rng.int(4, 20) }, (_, i) => `  - name: upstream-${i + 1}\n    url: https://${name}-${i + 1}.synthetic.internal:${rng.int(1024, 65535)}/api\n    timeout: ${rng.int(1, 30)}s\n`).join("")}`,
  },
  {
    file: "rules.yml",
    text: (rng, name) => `# ${name} matching rules
rules:
${Array.from({ length: rng.int(3, 8) }, (_, i) => `  - match: "^${name}-${i}.*"\n    action: ${rng.pick(["keep", "drop", "tag"])}\n    weight: ${rng.int(1, 100)}\n`).join("")}`,
  },
];
