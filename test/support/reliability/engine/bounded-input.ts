/**
 * The most memory-hungry pull request found for B45 (bounded.ts), within the engine's input limits
 * (1 MiB per file, under the plan's 8 MiB of YAML per revision). Each part aims at one way repository
 * content makes the engine allocate far more than it reads; together they are the worst case measured:
 *
 * - `boom`: post-build substitution that squares a value twice (`${X//a/${X//a/${X}}}`: 10⁹ characters);
 * - `wide`: forty objects whose substitution each makes ~0.9 MB (just under the per-object limit);
 * - `patch`: a 20,000-entry patch applied to every one of 900 ConfigMaps (a copy of it per target);
 * - `alias`: a ConfigMap whose 0.87 MB anchor is aliased 99 times (~86 MB once expanded);
 * - `flow`: files of ~95,000 tiny flow-mapping entries each (the YAML that costs most to parse and hold);
 * - a committed GitHub token (a seeded canary) in a plain file.
 */
import type { Files } from "./common.ts";
import { baseAndHead, CANARIES, configMap, fluxKustomization } from "./fixtures.ts";

type TextFiles = Record<string, string>;

const X = "a".repeat(1000);

function withSubstitute(name: string, path: string): string {
  return fluxKustomization(name, path, `  postBuild:\n    substitute:\n      X: "${X}"\n`);
}

/** `${X//a/${X//a/${X}}}`: 1,000 × 1,000 × 1,000 characters if evaluated. */
export function amplification(): TextFiles {
  return {
    "clusters/home/boom.yaml": withSubstitute("boom", "apps/boom"),
    "apps/boom/kustomization.yaml": "resources:\n  - configmap.yaml\n",
    "apps/boom/configmap.yaml": configMap("boom", { v: "${X//a/${X//a/${X}}}" }),
  };
}

/** `count` objects whose substitution each makes `X` with every "a" replaced by `width` characters. */
function wide(count: number, width: number): TextFiles {
  const expr = `\${X//a/${"b".repeat(width)}}`;
  const files: TextFiles = {
    "clusters/home/wide.yaml": withSubstitute("wide", "apps/wide"),
    "apps/wide/kustomization.yaml": `resources:\n${Array.from({ length: count }, (_, i) => `  - cm${i}.yaml\n`).join("")}`,
  };
  for (let i = 0; i < count; i++) files[`apps/wide/cm${i}.yaml`] = configMap(`wide${i}`, { v: expr });
  return files;
}

/** A patch of `keys` entries applied to each of `targets` ConfigMaps. */
function patchFanOut(targets: number, keys: number): TextFiles {
  const entries = Array.from({ length: keys }, (_, i) => `  p${i}: "${i}"`).join("\n");
  return {
    "clusters/home/patch.yaml": fluxKustomization("patch", "apps/patch"),
    "apps/patch/kustomization.yaml":
      "resources:\n  - configmaps.yaml\npatches:\n  - path: patch.yaml\n    target:\n      kind: ConfigMap\n",
    "apps/patch/configmaps.yaml": Array.from({ length: targets }, (_, i) =>
      configMap(`t${i}`, { a: "1" }),
    ).join("---\n"),
    "apps/patch/patch.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: any\ndata:\n${entries}\n`,
  };
}

/** A ConfigMap whose ~0.87 MB anchor is aliased 99 times. */
function aliasBomb(): TextFiles {
  const anchor = Array.from({ length: 900 }, (_, i) => `  k${i}: "${"x".repeat(1000)}"`).join("\n");
  const aliases = Array.from({ length: 99 }, (_, i) => `  c${i}: *a`).join("\n");
  return {
    "clusters/home/alias.yaml": fluxKustomization("alias", "apps/alias"),
    "apps/alias/kustomization.yaml": "resources:\n  - configmap.yaml\n",
    "apps/alias/configmap.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alias\n  namespace: default\nbig: &a\n${anchor}\ndata:\n${aliases}\n`,
  };
}

/** `count` files of one ConfigMap each whose data is a flow mapping of 95,000 tiny entries (~1 MB). */
function flowFiles(count: number): TextFiles {
  const files: TextFiles = {
    "clusters/home/flow.yaml": fluxKustomization("flow", "apps/flow"),
    "apps/flow/kustomization.yaml": `resources:\n${Array.from({ length: count }, (_, i) => `  - cm${i}.yaml\n`).join("")}`,
  };
  for (let f = 0; f < count; f++) {
    const flow = `{${Array.from({ length: 95_000 }, (_, i) => `k${i}: ${i % 10}`).join(", ")}}`;
    files[`apps/flow/cm${f}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flow${f}\n  namespace: default\ndata: ${flow}\n`;
  }
  return files;
}

export const TOKEN_FILE = "apps/notes/token.txt";
export const AMPLIFIED_FILE = "apps/boom/configmap.yaml";

export interface WorstCaseParts {
  wide: { count: number; width: number } | false;
  patch: { targets: number; keys: number } | false;
  alias: boolean;
  flowFiles: number;
}

/**
 * What B45 runs: every part, with two flow files (each adds ~1.5 s and ~40 MB of peak; past the
 * session's YAML budget more add nothing: 16 of them, 17 MB of YAML, peaked at 413 MiB in 10 s).
 */
export const WORST_CASE: WorstCaseParts = {
  wide: { count: 20, width: 900 },
  patch: { targets: 900, keys: 20_000 },
  alias: true,
  flowFiles: 2,
};

/** The worst case: base is a healthy repository, head adds every part above and the token. */
export function worstCase(parts: WorstCaseParts = WORST_CASE): { base: TextFiles; head: TextFiles } {
  const { base, head } = baseAndHead({});
  const extra: TextFiles = {
    ...amplification(),
    ...(parts.wide ? wide(parts.wide.count, parts.wide.width) : {}),
    ...(parts.patch ? patchFanOut(parts.patch.targets, parts.patch.keys) : {}),
    ...(parts.alias ? aliasBomb() : {}),
    ...(parts.flowFiles > 0 ? flowFiles(parts.flowFiles) : {}),
    [TOKEN_FILE]: `deploy token: ${CANARIES.tokens.ghp}\n`,
  };
  return { base: asText(base), head: { ...asText(head), ...extra } };
}

function asText(files: Files): TextFiles {
  const out: TextFiles = {};
  for (const [path, content] of Object.entries(files))
    out[path] = typeof content === "string" ? content : new TextDecoder().decode(content);
  return out;
}

/** What scripts/reliability/b45-child.ts prints (one JSON line). */
export interface B45Figures {
  /** YAML bytes of each revision. */
  baseYamlBytes: number;
  headYamlBytes: number;
  wallMs: number;
  /** RSS before the pipeline (both revisions' files in memory). */
  rssBeforeBytes: number;
  /** Highest RSS the sampler saw while the pipeline ran. */
  peakRssBytes: number;
  /** getrusage peak of the whole process (process.resourceUsage().maxRSS). */
  maxRssBytes: number;
  findings: Array<{ code: string; severity: string; file?: string; introduced: boolean }>;
  notAnalyzed: string[];
  conclusion: string;
  /** Every string a reviewer sees, for the seeded-secret scan. */
  outputs: string[];
}
