/**
 * Chart archives (`.tgz`) and chart folders made the core's ChartFiles: gunzip (node:zlib) and tar
 * (modern-tar) under limits — total unpacked bytes, entry count, path length — with the archive's top
 * folder removed as Helm's loader removes it, unsafe names (absolute, `..`) refused as Helm refuses
 * them, and `charts/*.tgz` subchart archives unpacked the same way, nested at most a few levels deep.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { unpackTar } from "modern-tar";
import type { ChartFiles } from "../core/helm/index.ts";

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

const gunzipAsync = promisify(gunzip);
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
  let tar: Uint8Array;
  try {
    tar = await gunzipAsync(bytes, { maxOutputLength: Math.max(1, limits.maxBytes - budget.bytes) });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE")
      throw new ChartArchiveError(`chart archive larger than ${limits.maxBytes} bytes unpacked`);
    throw new ChartArchiveError(`not a gzip chart archive: ${(error as Error).message}`);
  }
  budget.bytes += tar.length;
  if (budget.bytes > limits.maxBytes)
    throw new ChartArchiveError(`chart archive larger than ${limits.maxBytes} bytes unpacked`);
  let entries: Awaited<ReturnType<typeof unpackTar>>;
  try {
    entries = await unpackTar(tar);
  } catch (error) {
    throw new ChartArchiveError(`not a tar chart archive: ${(error as Error).message}`);
  }
  const files: Record<string, string> = {};
  const nested: Array<[string, Uint8Array]> = [];
  for (const entry of entries) {
    budget.entries++;
    if (budget.entries > limits.maxEntries)
      throw new ChartArchiveError(`chart archive has more than ${limits.maxEntries} entries`);
    const type = entry.header.type ?? "file";
    if (type === "directory") continue;
    if (type !== "file") continue; // links, devices: Helm's loader reads regular files only
    const name = entry.header.name.replace(/\\/g, "/");
    if (name.startsWith("/") || name.split("/").includes("..") || name.length > 4096)
      throw new ChartArchiveError(
        `chart archive entry ${JSON.stringify(name)} is not a relative path inside the chart`,
      );
    const parts = name.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.length < 2) continue; // Helm: files at the top level of the archive are not the chart's
    const path = parts.slice(1).join("/");
    const data = entry.data ?? new Uint8Array();
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
