/**
 * Chart archives (`.tgz`) and chart folders made the core's ChartFiles: the archive read by the same
 * hardened reader as the App's repository tarballs (src/github/tarball.ts) under limits — total unpacked
 * bytes and entries across nested archives — with the top folder removed as Helm's loader removes it,
 * and `charts/*.tgz` subchart archives unpacked the same way, nested at most a few levels deep.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { ChartFiles } from "../core/helm/index.ts";
import { TarballError, treeFromTarball } from "../github/tarball.ts";

export interface ArchiveLimits {
  /** Unpacked bytes, all nested archives together (Helm: 100 MiB per file … we bound the whole). */
  maxBytes: number;
  maxEntries: number;
  maxDepth: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxEntries: 20_000,
  maxDepth: 4,
};

export class ChartArchiveError extends Error {
  override readonly name = "ChartArchiveError";
}

const decoder = new TextDecoder();

interface Budget {
  bytes: number;
  entries: number;
}

/** A chart archive's files, relative to its top folder; nested `charts/*.tgz` unpacked into `archives`. */
export async function unpackChartArchive(
  bytes: Uint8Array,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ChartFiles> {
  return unpack(bytes, limits, { bytes: 0, entries: 0 }, 0);
}

async function unpack(
  bytes: Uint8Array,
  limits: ArchiveLimits,
  budget: Budget,
  depth: number,
): Promise<ChartFiles> {
  if (depth > limits.maxDepth)
    throw new ChartArchiveError(`chart archives nested more than ${limits.maxDepth} deep`);
  let tree: Awaited<ReturnType<typeof treeFromTarball>>;
  try {
    // The App's hardened reader of GitHub's tarballs: streaming gunzip and tar under limits, the top folder
    // removed (as Helm's loader removes it), unsafe names, links and devices left out.
    tree = await treeFromTarball(bytes, {
      compressedBytes: limits.maxBytes,
      uncompressedBytes: Math.max(1, limits.maxBytes - budget.bytes),
      files: Math.max(1, limits.maxEntries - budget.entries),
      pathLength: 4096,
    });
  } catch (error) {
    if (!(error instanceof TarballError)) throw error;
    throw new ChartArchiveError(
      error.problem === "too-large"
        ? `chart archive larger than ${limits.maxBytes} bytes unpacked`
        : error.problem === "too-many-files"
          ? `chart archive has more than ${limits.maxEntries} entries`
          : "not a gzip tar chart archive",
    );
  }
  budget.bytes += tree.bytes;
  budget.entries += tree.files.size + tree.rejected.length;
  const files: Record<string, string> = {};
  const nested: Array<[string, Uint8Array]> = [];
  for (const [path, data] of tree.files) {
    if (/^charts\/[^/]+\.tgz$/.test(path)) nested.push([path, data]);
    else files[path] = decoder.decode(data);
  }
  const archives: Record<string, ChartFiles> = {};
  for (const [path, data] of nested) archives[path] = await unpack(data, limits, budget, depth + 1);
  return Object.keys(archives).length ? { files, archives } : { files };
}

/** A chart folder on disk: its files (`.helmignore` applies in the core), `charts/*.tgz` unpacked. */
export async function readChartDirectory(
  dir: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ChartFiles> {
  const files: Record<string, string> = {};
  const archives: Record<string, ChartFiles> = {};
  const budget: Budget = { bytes: 0, entries: 0 };
  const walk = async (d: string): Promise<void> => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = statSync(full);
      const rel = relative(dir, full).split(sep).join("/");
      if (st.isDirectory()) {
        await walk(full);
        continue;
      }
      if (!st.isFile()) continue;
      budget.entries++;
      budget.bytes += st.size;
      if (budget.entries > limits.maxEntries || budget.bytes > limits.maxBytes)
        throw new ChartArchiveError(`chart folder ${dir} is over the size limits`);
      const data = readFileSync(full);
      if (/^charts\/[^/]+\.tgz$/.test(rel)) archives[rel] = await unpack(data, limits, budget, 1);
      else files[rel] = decoder.decode(data);
    }
  };
  await walk(dir);
  return Object.keys(archives).length
    ? { files, archives, fromDirectory: true }
    : { files, fromDirectory: true };
}
