import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { packTar, type TarEntry } from "modern-tar";
import { describe, expect, it } from "vitest";
import {
  ArchiveDownloadError,
  DEFAULT_TARBALL_LIMITS,
  TarballError,
  treeFromTarball,
} from "../../src/github/tarball.ts";

const TOP = "me-home-ops-1a2b3c4/";

async function tarball(entries: TarEntry[]): Promise<Uint8Array> {
  return gzipSync(await packTar(entries));
}

function file(name: string, body: string): TarEntry {
  return { header: { name, size: Buffer.byteLength(body) }, body };
}

/**
 * `bytes` as a download delivers them: in `chunk`-byte pieces, pulled one at a time. `pulled` counts the
 * bytes handed out, `cancelled` tells whether the reader stopped the download; `failAt` makes the stream
 * fail there as a dropped connection does.
 */
function download(bytes: Uint8Array, chunk = 1024, failAt?: { at: number; error: unknown }) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (failAt && state.pulled >= failAt.at) return controller.error(failAt.error);
        if (state.pulled >= bytes.length) return controller.close();
        const piece = bytes.slice(state.pulled, state.pulled + chunk);
        state.pulled += piece.length;
        controller.enqueue(piece);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

/** A ustar header block (valid checksum) for hand-made archives: `type` is the one-character type flag. */
function ustarHeader(name: Uint8Array, size: number, type: string): Uint8Array {
  const block = new Uint8Array(512);
  block.set(name.subarray(0, 100), 0);
  const ascii = (at: number, text: string) => block.set(new TextEncoder().encode(text), at);
  ascii(100, "0000644\0");
  ascii(108, "0000000\0");
  ascii(116, "0000000\0");
  ascii(124, `${size.toString(8).padStart(11, "0")}\0`);
  ascii(136, "00000000000\0");
  ascii(156, type);
  ascii(257, "ustar\0");
  ascii(263, "00");
  block.fill(0x20, 148, 156);
  const sum = block.reduce((n, b) => n + b, 0);
  ascii(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
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

  it("reads an archive as it downloads, in pieces of any size, to the same files", async () => {
    const gz = await tarball([
      file(`${TOP}ok.yaml`, "a: 1\n"),
      file(`${TOP}nul\0hidden.yaml`, "a: 1\n"),
      file(`${TOP}${"long/".repeat(40)}deep.yaml`, "b: 2\n".repeat(300)),
      { header: { name: `${TOP}link.yaml`, type: "symlink", linkname: "ok.yaml", size: 0 } },
    ]);
    const whole = await treeFromTarball(gz);
    for (const chunk of [1, 7, 511, 513, 64 * 1024]) {
      const { stream, state } = download(gz, chunk);
      const tree = await treeFromTarball(stream);
      expect([...tree.files.keys()].sort()).toEqual([...whole.files.keys()].sort());
      expect(tree.files.get("ok.yaml")).toEqual(whole.files.get("ok.yaml"));
      expect(tree.rejected).toEqual(whole.rejected);
      expect(tree.rejected.map((r) => r.reason).sort()).toEqual(["symlink", "unsafe-name"]);
      expect(state.pulled).toBe(gz.length);
    }
  });

  it("stops a download at the compressed limit, and does not start one announced over it", async () => {
    const gz = await tarball(
      Array.from({ length: 40 }, (_, i) => file(`${TOP}f${i}.bin`, randomBytes(4096).toString("base64"))),
    );
    const limits = { ...DEFAULT_TARBALL_LIMITS, compressedBytes: 32 * 1024 };
    const streamed = download(gz, 1024);
    const error = await treeFromTarball(streamed.stream, limits).catch((e: unknown) => e);
    expect(error).toMatchObject({
      problem: "too-large",
      message: "The repository archive is more than 32 KB compressed, over the limit; it was not analyzed.",
    });
    // Read no further than the limit: the rest of the archive was never downloaded.
    expect(streamed.state.pulled).toBeLessThanOrEqual(limits.compressedBytes + 1024);
    expect(streamed.state.pulled).toBeLessThan(gz.length);
    expect(streamed.state.cancelled).toBe(true);

    // Content-Length over the limit: refused before the first byte is read.
    const announced = download(gz, 1024);
    const early = await treeFromTarball(announced.stream, limits, undefined, {
      declaredBytes: 150 * 1024,
    }).catch((e: unknown) => e);
    expect(early).toMatchObject({
      problem: "too-large",
      message: "The repository archive is 150 KB compressed, over the 32 KB limit; it was not analyzed.",
    });
    expect(announced.state.pulled).toBe(0);
    expect(announced.state.cancelled).toBe(true);
  });

  it("stops at the uncompressed limit while decompressing, whether an entry announces it or many add up", async () => {
    const limits = { ...DEFAULT_TARBALL_LIMITS, uncompressedBytes: 64 * 1024 };
    // Many small files: the limit is crossed while the archive expands.
    const many = await tarball(
      Array.from({ length: 200 }, (_, i) => file(`${TOP}f${i}.txt`, randomBytes(384).toString("base64"))),
    );
    const streamed = download(many, 256);
    const error = await treeFromTarball(streamed.stream, limits).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: "too-large" });
    expect((error as Error).message).toBe(
      "The repository archive expands beyond the 64 KB limit; it was not analyzed.",
    );
    expect(streamed.state.pulled).toBeLessThan(many.length);
    expect(streamed.state.cancelled).toBe(true);

    // One entry announcing 1 GiB (a gzip bomb's shape): refused at its header, before its data expands.
    const header = ustarHeader(new TextEncoder().encode(`${TOP}zeros.yaml`), 1024 ** 3, "0");
    const zeros = gzipSync(new Uint8Array(1024 * 1024), { level: 9 });
    const bomb = Buffer.concat([gzipSync(header), ...Array.from({ length: 64 }, () => zeros)]);
    const bombed = download(bomb, 1024);
    const refused = await treeFromTarball(bombed.stream).catch((e: unknown) => e);
    expect(refused).toMatchObject({ problem: "too-large" });
    expect((refused as Error).message).toMatch(/expands beyond the 40 MB limit/);
    expect(bombed.state.pulled).toBeLessThan(bomb.length / 4);
  });

  it("a download that fails while it is read is the transport's failure, not a corrupt archive", async () => {
    const gz = await tarball([file(`${TOP}a.yaml`, "a: 1\n".repeat(5000))]);
    const deadline = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const { stream } = download(gz, 64, { at: 128, error: deadline });
    const error = await treeFromTarball(stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveDownloadError);
    expect((error as ArchiveDownloadError).cause).toBe(deadline);

    // The same bytes cut short by the server (the stream simply ends) are a truncated archive.
    const cut = download(gz.subarray(0, 128), 64);
    expect(await treeFromTarball(cut.stream).catch((e: unknown) => e)).toMatchObject({ problem: "corrupt" });
  });

  it("counts left-out entries against the file limit", async () => {
    const links = Array.from({ length: 20 }, (_, i) => ({
      header: { name: `${TOP}l${i}.yaml`, type: "symlink" as const, linkname: "x", size: 0 },
    }));
    const error = await problemOf(await tarball(links), { ...DEFAULT_TARBALL_LIMITS, files: 10 });
    expect(error.problem).toBe("too-many-files");
  });

  it("refuses a NUL hidden in a GNU long name, and an archive whose pax records move the next header", async () => {
    const enc = new TextEncoder();
    const end = new Uint8Array(1024);
    const longName = enc.encode(`${TOP}nul\0${"x".repeat(120)}.yaml`);
    const body = enc.encode("a: 1\n");
    const gnu = Buffer.concat([
      ustarHeader(enc.encode("././@LongLink"), longName.length, "L"),
      padded(longName),
      ustarHeader(enc.encode(`${TOP}nul`), body.length, "0"),
      padded(body),
      ustarHeader(enc.encode(`${TOP}ok.yaml`), body.length, "0"),
      padded(body),
      end,
    ]);
    const tree = await treeFromTarball(gzipSync(gnu));
    expect([...tree.files.keys()]).toEqual(["ok.yaml"]);
    expect(tree.rejected).toEqual([{ path: "nul", reason: "unsafe-name" }]);

    const record = "11 size=5\n";
    const pax = Buffer.concat([
      ustarHeader(enc.encode("PaxHeader/a.yaml"), record.length, "x"),
      padded(enc.encode(record)),
      ustarHeader(enc.encode(`${TOP}a.yaml`), 0, "0"),
      padded(body),
      end,
    ]);
    expect((await problemOf(gzipSync(pax))).problem).toBe("corrupt");
  });
});
