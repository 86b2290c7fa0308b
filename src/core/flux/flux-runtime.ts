/**
 * What the cluster runs, as far as the repository tells: the Flux version and whether kustomize-controller
 * fails a build on an undefined post-build variable (`StrictPostBuildSubstitutions`).
 *
 * - The gate exists from kustomize-controller v1.3 (opt-in) and is on by default from v1.9, which ships with
 *   Flux 2.9 (kustomize-controller CHANGELOG 1.9.0, fluxcd/kustomize-controller#1671,
 *   `internal/features/features.go`: "opt-out from v1.9"). Before that an undefined `${VAR}` becomes "".
 * - The version comes from the FluxInstance (`spec.distribution.version`, or `values.instance` of a
 *   flux-operator `flux-instance` HelmRelease), else from the header `flux bootstrap`/`flux install` writes
 *   into gotk-components.yaml (`# Flux Version: v2.3.0`, fluxcd/flux2 `pkg/manifestgen/install`).
 *   `distribution.artifact` names the operator's manifests image, not a Flux version: it is never read.
 * - A `--feature-gates=…StrictPostBuildSubstitutions=…` argument patched into kustomize-controller (the
 *   instance's `kustomize.patches`, or the bootstrap `flux-system/kustomization.yaml` patches) wins over the
 *   version's default. Several `--feature-gates` flags merge; the last setting wins.
 *
 * Pure: reads only the snapshot it is given.
 */
import { isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import type { FluxRuntime } from "../model.ts";
import { compareBytewise, dirname, joinPath, normalizePath, resolvePath } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import type { RawFluxObject } from "./raw-scan.ts";

export interface FluxRuntimeInput {
  /** The FluxInstance `spec`, or the `values.instance` of a flux-operator `flux-instance` HelmRelease. */
  instanceSpec?: JsonObject;
  /** Repository path of the file that defines the instance (for messages). */
  instanceFile?: string;
  /** Which object `instanceSpec` came from; guessed from `instanceFile` when absent. */
  instanceKind?: "FluxInstance" | "HelmRelease";
  snapshot: RepoSnapshot;
  /** The cluster directory (bootstrap layout: `<clusterDir>/flux-system/gotk-components.yaml`). */
  clusterDir?: string;
  /** The repository's Flux objects as written (raw-scan.ts): a cluster may apply Flux's own manifests. */
  fluxObjects?: readonly RawFluxObject[];
}

/** The Flux minor version whose kustomize-controller turns StrictPostBuildSubstitutions on by default. */
export const STRICT_SUBSTITUTION_SINCE = { major: 2, minor: 9 } as const;
export const STRICT_GATE = "StrictPostBuildSubstitutions";

const UNPINNED_REASON =
  "the Flux version is not pinned in the repository; assuming the newest Flux, which fails the build on undefined variables";

interface VersionFound {
  /** As written, without a leading "v" ("2.9.4", "2.9.x", "2.x"). */
  version: string;
  /** "file, field" or "file, header". */
  source: string;
  /** Whether the newest Flux matching the version defaults the gate on. */
  strictByDefault: boolean;
  /** A range without an upper minor ("2.x"): it resolves to the newest Flux release. */
  openEnded: boolean;
}

interface GateFound {
  value: boolean;
  file: string;
}

export function detectFluxRuntime(input: FluxRuntimeInput): FluxRuntime {
  const { snapshot } = input;
  let version: VersionFound | undefined;
  let gate: GateFound | undefined;

  if (input.instanceSpec) {
    const file = input.instanceFile ?? "FluxInstance";
    const distribution = input.instanceSpec.distribution;
    const raw = isJsonObject(distribution) ? distribution.version : undefined;
    if (typeof raw === "string" && raw.trim() !== "") {
      version = versionFound(raw.trim(), `${file}, ${instanceField(input)}`);
    }
    const kustomize = input.instanceSpec.kustomize;
    const patches = isJsonObject(kustomize) ? kustomize.patches : undefined;
    gate = gateInPatches(Array.isArray(patches) ? patches : [], file, snapshot, undefined);
  }

  if (input.clusterDir !== undefined) {
    const clusterDir = normalized(input.clusterDir);
    const gotk = clusterDir === undefined ? undefined : findGotkComponents(snapshot, clusterDir);
    if (gotk && version === undefined) version = versionFromGotk(snapshot, gotk);
    if (clusterDir !== undefined && version === undefined)
      version = versionFromFluxManifests(snapshot, clusterDir, input.fluxObjects ?? []);
    if (clusterDir !== undefined && gate === undefined && !input.instanceSpec) {
      const dirs = [gotk ? dirname(gotk) : undefined, joinPath(clusterDir, "flux-system")];
      for (const dir of new Set(dirs.filter((d): d is string => d !== undefined))) {
        gate = gateInKustomization(snapshot, dir);
        if (gate) break;
      }
    }
  }

  const where = version ? `Flux ${version.version} (${version.source})` : undefined;
  if (gate) {
    const effect = gate.value
      ? "undefined variables fail the build"
      : 'undefined variables are substituted with ""';
    return {
      ...(version ? { version: version.version, versionSource: version.source } : {}),
      strictSubstitution: gate.value,
      reason: `feature gate ${STRICT_GATE}=${gate.value} in ${gate.file}: ${effect}${where ? ` (${where})` : ""}`,
      assumed: false,
    };
  }
  if (!version) {
    return { strictSubstitution: true, reason: UNPINNED_REASON, assumed: true };
  }
  const reason = version.strictByDefault
    ? `${where} ${version.openEnded ? "resolves to the newest Flux, which fails" : "fails"} the build on undefined variables`
    : `${where} substitutes undefined variables with "" (${STRICT_GATE} is off before Flux ${STRICT_SUBSTITUTION_SINCE.major}.${STRICT_SUBSTITUTION_SINCE.minor})`;
  return {
    version: version.version,
    versionSource: version.source,
    strictSubstitution: version.strictByDefault,
    reason,
    assumed: false,
  };
}

function normalized(dir: string): string | undefined {
  const n = normalizePath(dir);
  return n.ok ? n.path : undefined;
}

function instanceField(input: FluxRuntimeInput): string {
  const kind = input.instanceKind ?? guessKind(input);
  if (kind === "HelmRelease") return "instance.distribution.version";
  if (kind === "FluxInstance") return "spec.distribution.version";
  return "distribution.version";
}

function guessKind(input: FluxRuntimeInput): FluxRuntimeInput["instanceKind"] {
  if (input.instanceFile === undefined) return undefined;
  const text = input.snapshot.readText(input.instanceFile);
  if (!text.ok) return undefined;
  if (/^kind:\s*FluxInstance\s*$/m.test(text.text)) return "FluxInstance";
  if (/^kind:\s*HelmRelease\s*$/m.test(text.text)) return "HelmRelease";
  return undefined;
}

// ---- versions ---------------------------------------------------------------------------------------

/**
 * Reads a version or a range as flux-operator accepts them ("2.9.4", "v2.9.4", "2.9.x", "2.x", "*",
 * ">=2.3.0 <2.9.0", "~2.8") and decides the gate's default for the newest Flux it allows.
 * Anything unreadable counts as the newest Flux.
 */
export function versionFound(raw: string, source: string): VersionFound {
  const version = raw.replace(/^v(?=\d)/, "");
  const newest = newestMinor(version);
  const strictByDefault =
    newest === undefined ||
    newest.major > STRICT_SUBSTITUTION_SINCE.major ||
    (newest.major === STRICT_SUBSTITUTION_SINCE.major && newest.minor >= STRICT_SUBSTITUTION_SINCE.minor);
  return { version, source, strictByDefault, openEnded: newest === undefined };
}

/** The newest major.minor a version or range allows; undefined when it is open-ended (the newest Flux). */
function newestMinor(v: string): { major: number; minor: number } | undefined {
  const exact = /^(\d+)\.(\d+)(?:\.(?:\d+|x|X|\*)(?:[-+][0-9A-Za-z.+-]*)?)?$/.exec(v);
  if (exact) return { major: Number(exact[1]), minor: Number(exact[2]) };
  const tilde = /^~\s*v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(v);
  if (tilde) return { major: Number(tilde[1]), minor: Number(tilde[2]) };
  // An upper bound in a constraint: "<2.9.0" allows at most 2.8, "<=2.8.3" and "<2.8.3" at most 2.8.
  const upper = /<(=?)\s*v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  if (upper) {
    const major = Number(upper[2]);
    const minor = Number(upper[3]);
    const patch = upper[4] === undefined ? 0 : Number(upper[4]);
    if (upper[1] === "" && patch === 0)
      return minor === 0 ? { major: major - 1, minor: 99 } : { major, minor: minor - 1 };
    return { major, minor };
  }
  return undefined;
}

// ---- bootstrap layout -------------------------------------------------------------------------------

const GOTK = "gotk-components.yaml";

/** `<dir>/flux-system/gotk-components.yaml`, else the shallowest one at most two levels below `<dir>`. */
function findGotkComponents(snapshot: RepoSnapshot, dir: string): string | undefined {
  const preferred = joinPath(joinPath(dir, "flux-system"), GOTK);
  if (snapshot.isFile(preferred)) return preferred;
  const own = joinPath(dir, GOTK);
  if (snapshot.isFile(own)) return own;
  const found: string[] = [];
  let level = [dir];
  for (let depth = 1; depth <= 2 && found.length === 0; depth++) {
    const next: string[] = [];
    for (const d of level) {
      for (const sub of snapshot.list(d).dirs) {
        const child = joinPath(d, sub);
        next.push(child);
        if (snapshot.isFile(joinPath(child, GOTK))) found.push(joinPath(child, GOTK));
      }
    }
    level = next;
  }
  return found.sort(compareBytewise)[0];
}

/** fluxcd/flux2's own repository, whose `manifests/install` a cluster may apply instead of bootstrapping. */
const FLUX2_REPOSITORY = /^(?:https?:\/\/|ssh:\/\/git@|git@)github\.com[/:]fluxcd\/flux2(?:\.git)?\/?$/;
/** The OCI artifact of the same manifests that fluxcd/flux2 publishes with each release. */
const FLUX_MANIFESTS_ARTIFACT = /^oci:\/\/ghcr\.io\/fluxcd\/flux-manifests\/?$/;
const FLUX2_INSTALL_REF =
  /github\.com\/fluxcd\/flux2\/+manifests\/install\/?\?(?:[^\s"']*&)?ref=(v?\d+\.\d+\.\d+)/;

/**
 * The version of Flux's own manifests a cluster applies itself instead of bootstrapping, under the
 * cluster's folder: a GitRepository of https://github.com/fluxcd/flux2 or an OCIRepository of
 * oci://ghcr.io/fluxcd/flux-manifests at a tag (from the repository's Flux objects, as the raw scan read
 * them), or `github.com/fluxcd/flux2/manifests/install?ref=v0.31.4` as a resource of a kustomization file.
 */
function versionFromFluxManifests(
  snapshot: RepoSnapshot,
  clusterDir: string,
  fluxObjects: readonly RawFluxObject[],
): VersionFound | undefined {
  const prefix = clusterDir === "" ? "" : `${clusterDir}/`;
  for (const { object: o, file } of fluxObjects) {
    if (!file.startsWith(prefix) || !isJsonObject(o.spec) || typeof o.spec.url !== "string") continue;
    const url = o.spec.url.trim();
    const of =
      o.kind === "GitRepository" && FLUX2_REPOSITORY.test(url)
        ? "GitRepository of fluxcd/flux2"
        : o.kind === "OCIRepository" && FLUX_MANIFESTS_ARTIFACT.test(url)
          ? "OCIRepository of fluxcd/flux-manifests"
          : undefined;
    const tag = isJsonObject(o.spec.ref) ? o.spec.ref.tag : undefined;
    if (of && typeof tag === "string" && /^v?\d+\.\d+\.\d+$/.test(tag.trim()))
      return versionFound(tag.trim(), `${file}, ${of} at tag ${tag.trim()}`);
  }
  for (const file of snapshot.files()) {
    if (!file.startsWith(prefix) || !KUSTOMIZATION_FILE.test(file)) continue;
    const text = snapshot.readText(file);
    const ref = text.ok && text.text.includes("fluxcd/flux2") ? FLUX2_INSTALL_REF.exec(text.text) : null;
    if (ref?.[1]) return versionFound(ref[1], `${file}, fluxcd/flux2 manifests at ${ref[1]}`);
  }
  return undefined;
}

const KUSTOMIZATION_FILE = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;

/** Whether every Flux a version (or range) allows is older than `major.minor`; false when open-ended. */
export function fluxOlderThan(version: string, major: number, minor: number): boolean {
  const newest = newestMinor(version.replace(/^v(?=\d)/, ""));
  return newest !== undefined && (newest.major < major || (newest.major === major && newest.minor < minor));
}

/** `# Flux Version: v2.3.0` from the generated header; else the `app.kubernetes.io/version` label. */
function versionFromGotk(snapshot: RepoSnapshot, file: string): VersionFound | undefined {
  const text = snapshot.readText(file);
  if (!text.ok) return undefined;
  const header = /^#\s*Flux Version:\s*(\S+)\s*$/im.exec(text.text.slice(0, 4096));
  if (header?.[1]) return versionFound(header[1], `${file}, "# Flux Version" header`);
  const label = /app\.kubernetes\.io\/version:\s*["']?v?(\d+\.\d+\.\d+)/.exec(text.text);
  if (label?.[1]) return versionFound(label[1], `${file}, app.kubernetes.io/version label`);
  return undefined;
}

function gateInKustomization(snapshot: RepoSnapshot, dir: string): GateFound | undefined {
  for (const name of ["kustomization.yaml", "kustomization.yml", "Kustomization"]) {
    const file = joinPath(dir, name);
    const text = snapshot.readText(file);
    if (!text.ok) continue;
    const parsed = readYamlDocuments(text.text, file);
    const doc = parsed.documents[0]?.value;
    if (!isJsonObject(doc)) return undefined;
    const patches: unknown[] = [];
    if (Array.isArray(doc.patches)) patches.push(...doc.patches);
    if (Array.isArray(doc.patchesJson6902)) patches.push(...doc.patchesJson6902);
    if (Array.isArray(doc.patchesStrategicMerge)) {
      // Entries are inline patches or file paths.
      for (const p of doc.patchesStrategicMerge) {
        if (typeof p === "string") patches.push(p.includes("\n") ? { patch: p } : { path: p });
      }
    }
    return gateInPatches(patches, file, snapshot, dir);
  }
  return undefined;
}

// ---- feature gates ----------------------------------------------------------------------------------

const CONTROLLER = "kustomize-controller";

/**
 * The last StrictPostBuildSubstitutions setting in patches that may reach kustomize-controller. Patch files
 * (`path:`) are read relative to `baseDir` when given.
 */
function gateInPatches(
  patches: readonly unknown[],
  file: string,
  snapshot: RepoSnapshot,
  baseDir: string | undefined,
): GateFound | undefined {
  let found: GateFound | undefined;
  for (const p of patches) {
    if (!isJsonObject(p)) continue;
    if (!targetsController(p.target)) continue;
    let text = typeof p.patch === "string" ? p.patch : undefined;
    let where = file;
    if (text === undefined && typeof p.path === "string" && baseDir !== undefined) {
      const resolved = resolvePath(baseDir, p.path);
      const read = resolved.ok ? snapshot.readText(resolved.path) : undefined;
      if (read?.ok && resolved.ok) {
        text = read.text;
        where = resolved.path;
      }
    }
    if (text === undefined) continue;
    if (!isJsonObject(p.target) && !namesController(text)) continue;
    const value = gateInText(text);
    if (value !== undefined) found = { value, file: where };
  }
  return found;
}

/** A patch target that may select kustomize-controller (no name, or a name regex matching it). */
function targetsController(target: unknown): boolean {
  if (!isJsonObject(target)) return true;
  if (typeof target.kind === "string" && target.kind !== "" && !safeMatch(target.kind, "Deployment"))
    return false;
  if (typeof target.name === "string" && target.name !== "" && !safeMatch(target.name, CONTROLLER))
    return false;
  return true;
}

/** kustomize matches target fields as anchored regular expressions. */
function safeMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** A patch without a target applies to the object its own metadata names. */
function namesController(text: string): boolean {
  return /^\s*name:\s*["']?kustomize-controller["']?\s*$/m.test(text) || !/^\s*name:/m.test(text);
}

/** The last `--feature-gates=…StrictPostBuildSubstitutions=<bool>…` value in the text. */
export function gateInText(text: string): boolean | undefined {
  let value: boolean | undefined;
  const flag = /--feature-gates(?:=|\s+)["']?([^\s"']+)/g;
  for (const m of text.matchAll(flag)) {
    for (const pair of (m[1] ?? "").split(",")) {
      const eq = pair.indexOf("=");
      if (eq < 0 || pair.slice(0, eq).trim() !== STRICT_GATE) continue;
      const parsed = parseGoBool(pair.slice(eq + 1).trim());
      if (parsed !== undefined) value = parsed;
    }
  }
  return value;
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}
