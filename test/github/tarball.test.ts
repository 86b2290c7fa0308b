import { gzipSync } from "node:zlib";
import { packTar, type TarEntry } from "modern-tar";
import { describe, expect, it } from "vitest";
import { DEFAULT_TARBALL_LIMITS, TarballError, treeFromTarball } from "../../src/github/tarball.ts";

const TOP = "me-home-ops-1a2b3c4/";

async function tarball(entries: TarEntry[]): Promise<Uint8Array> {
  return gzipSync(await packTar(entries));
}

function file(name: string, body: string): TarEntry {
  return { header: { name, size: Buffer.byteLength(body) }, body };
}

async function problemOf(gz: Uint8Array, limits = DEFAULT_TARBALL_LIMITS): Promise<TarballError> {
  const error = await treeFromTarball(gz, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TarballError);
  return error as TarballError;
}

describe("github/tarball", () => {
  it("reads GitHub's archive into repository paths, without its top directory", async () => {
    const gz = await tarball([
      { header: { name: TOP, type: "directory", size: 0 } },
      { header: { name: `${TOP}kubernetes/`, type: "directory", size: 0 } },
      file(`${TOP}kubernetes/apps/ks.yaml`, "kind: Kustomization\n"),
      file(`${TOP}README.md`, "# home\n"),
    ]);
    const tree = await treeFromTarball(gz);

    expect([...tree.files.keys()].sort()).toEqual(["README.md", "kubernetes/apps/ks.yaml"]);
    expect(Buffer.from(tree.files.get("kubernetes/apps/ks.yaml")!).toString()).toBe("kind: Kustomization\n");
    expect(tree.rejected).toEqual([]);
  });

  it("leaves out symlinks, hard links, devices and escaping paths, and lists them", async () => {
    const gz = await tarball([
      file(`${TOP}ok.yaml`, "a: 1\n"),
      { header: { name: `${TOP}link.yaml`, type: "symlink", linkname: "/etc/passwd", size: 0 } },
      { header: { name: `${TOP}hard.yaml`, type: "link", linkname: `${TOP}ok.yaml`, size: 0 } },
      { header: { name: `${TOP}dev`, type: "character-device", size: 0 } },
      file(`${TOP}../escape.yaml`, "b: 2\n"),
      file(`${TOP}${"d/".repeat(600)}deep.yaml`, "c: 3\n"),
    ]);
    const tree = await treeFromTarball(gz);

    expect([...tree.files.keys()]).toEqual(["ok.yaml"]);
    expect(tree.rejected.map((r) => r.reason).sort()).toEqual([
      "device",
      "link",
      "parent-segment",
      "path-too-long",
      "symlink",
    ]);
  });

  it("refuses an archive over the compressed or uncompressed limit with a clear message", async () => {
    const gz = await tarball([file(`${TOP}big.txt`, "x".repeat(200_000))]);

    const compressed = await problemOf(gz, { ...DEFAULT_TARBALL_LIMITS, compressedBytes: 100 });
    expect(compressed.problem).toBe("too-large");
    expect(compressed.message).toMatch(/compressed, over the 1 KB limit/);

    const bomb = await problemOf(gz, { ...DEFAULT_TARBALL_LIMITS, uncompressedBytes: 64 * 1024 });
    expect(bomb.problem).toBe("too-large");
    expect(bomb.message).toMatch(/expands beyond/);
  });

  it("refuses an archive with too many files", async () => {
    const gz = await tarball(Array.from({ length: 20 }, (_, i) => file(`${TOP}f${i}.yaml`, "a: 1\n")));

    const error = await problemOf(gz, { ...DEFAULT_TARBALL_LIMITS, files: 10 });
    expect(error.problem).toBe("too-many-files");
  });

  it("reports a truncated download or non-gzip bytes as a corrupt archive", async () => {
    const gz = await tarball([file(`${TOP}a.yaml`, "a: 1\n".repeat(5000))]);

    expect((await problemOf(gz.subarray(0, gz.length / 2))).problem).toBe("corrupt");
    expect((await problemOf(new TextEncoder().encode("<html>rate limited</html>"))).problem).toBe("corrupt");
  });

  it("refuses names git never writes (backslash, NUL, empty segment, a NUL hidden in a ustar name) and duplicates", async () => {
    const gz = await tarball([
      file(`${TOP}ok.yaml`, "a: 1\n"),
      file(`${TOP}a\\..\\b.yaml`, "a: 1\n"),
      file(`${TOP}nul\0hidden.yaml`, "a: 1\n"),
      file(`${TOP}/double.yaml`, "a: 1\n"),
      { header: { name: `${TOP}pax.yaml`, size: 5, pax: { path: `${TOP}pax\0name.yaml` } }, body: "a: 1\n" },
      file(`${TOP}caf\u00e9.yaml`, "a: 1\n"),
      file(`${TOP}cafe\u0301.yaml`, "a: 2\n"),
    ]);
    const tree = await treeFromTarball(gz);
    expect([...tree.files.keys()]).toEqual(["ok.yaml", "caf\u00e9.yaml"]);
    expect(tree.rejected.map((r) => r.reason)).toEqual([
      "unsafe-name",
      "unsafe-name",
      "unsafe-name",
      "unsafe-name",
      "duplicate",
    ]);
  });

  it("refuses the archive of another commit than the one asked for (git archive's pax comment)", async () => {
    const other = "0123456789abcdef0123456789abcdef01234567";
    const asked = "fedcba9876543210fedcba9876543210fedcba98";
    const entries: TarEntry[] = [
      {
        header: { name: "pax_global_header", type: "pax-global-header", size: 52 },
        body: `52 comment=${other}\n`,
      },
      file(`${TOP}ok.yaml`, "a: 1\n"),
    ];
    const gz = await tarball(entries);
    const error = await treeFromTarball(gz, DEFAULT_TARBALL_LIMITS, asked).catch((e: unknown) => e);
    expect(error).toMatchObject({
      problem: "wrong-commit",
      message: "GitHub sent the archive of commit 0123456 instead of fedcba9; it was not analyzed.",
    });
    expect((await treeFromTarball(gz, DEFAULT_TARBALL_LIMITS, other)).files.size).toBe(1);
  });
});
