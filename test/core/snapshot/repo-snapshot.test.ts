import { describe, expect, it } from "vitest";
import { normalizePath, relativePath, resolvePath, secureJoin } from "../../../src/core/snapshot/paths.ts";
import { createMemorySnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";

describe("core/snapshot/repo-snapshot", () => {
  it("lists directories implied by file paths in byte order", () => {
    const snap = createMemorySnapshot({
      "b/x.yaml": "",
      "a/z.yaml": "",
      "a/B.yaml": "",
      "a/sub/c.yaml": "",
      "root.yaml": "",
    });

    expect(snap.list("")).toEqual({ files: ["root.yaml"], dirs: ["a", "b"] });
    expect(snap.list("a")).toEqual({ files: ["B.yaml", "z.yaml"], dirs: ["sub"] });
    expect(snap.isDirectory("a/sub")).toBe(true);
    expect(snap.isFile("a/sub")).toBe(false);
    expect(snap.files()).toEqual(["a/B.yaml", "a/sub/c.yaml", "a/z.yaml", "b/x.yaml", "root.yaml"]);
  });

  it("decodes UTF-8, drops a BOM, and refuses binary, UTF-16, oversized and LFS content", () => {
    const snap = createMemorySnapshot(
      {
        "ok.yaml": "a: é\n",
        "bom.yaml": new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x3a, 0x20, 0x31]),
        "utf16.yaml": new Uint8Array([0xff, 0xfe, 0x61, 0x00]),
        "bin.yaml": new Uint8Array([0x61, 0x00, 0x62]),
        "bad.yaml": new Uint8Array([0xc3, 0x28]),
        "big.yaml": "x".repeat(100),
        "lfs.yaml": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 10\n",
      },
      { maxFileBytes: 90 },
    );

    expect(snap.readText("ok.yaml")).toEqual({ ok: true, text: "a: é\n" });
    expect(snap.readText("bom.yaml")).toEqual({ ok: true, text: "a: 1" });
    expect(snap.readText("utf16.yaml")).toEqual({ ok: false, reason: "not-utf8" });
    expect(snap.readText("bin.yaml")).toEqual({ ok: false, reason: "not-utf8" });
    expect(snap.readText("bad.yaml")).toEqual({ ok: false, reason: "not-utf8" });
    expect(snap.readText("big.yaml")).toEqual({ ok: false, reason: "too-large" });
    expect(snap.readText("lfs.yaml")).toEqual({ ok: false, reason: "lfs-pointer" });
    expect(snap.readText("missing.yaml")).toEqual({ ok: false, reason: "missing" });
  });

  it("records symlinks without content", () => {
    const snap = createMemorySnapshot({ "a.yaml": "" }, { symlinks: ["link.yaml"] });

    expect(snap.isSymlink("link.yaml")).toBe(true);
    expect(snap.isFile("link.yaml")).toBe(false);
  });
});

describe("core/snapshot/paths", () => {
  it("resolves references inside the repository and refuses escapes", () => {
    expect(resolvePath("apps/x", "../shared/cm.yaml")).toEqual({ ok: true, path: "apps/shared/cm.yaml" });
    expect(resolvePath("apps", "./a//b/./c.yaml")).toEqual({ ok: true, path: "apps/a/b/c.yaml" });
    expect(resolvePath("apps", "../../etc/passwd")).toEqual({ ok: false, reason: "escapes-root" });
    expect(resolvePath("apps", "/etc/passwd")).toEqual({ ok: false, reason: "absolute" });
    expect(normalizePath("./")).toEqual({ ok: true, path: "" });
  });

  it("normalizes every spelling of a path to the same path, dots in names kept", () => {
    const segments = ["a", ".", "..", "", ".a", "a.", "..a", "a..b", "...", "b.yaml"];
    let paths = [""];
    for (let n = 0; n < 4; n++)
      paths = [...paths, ...paths.flatMap((p) => segments.map((s) => (p ? `${p}/${s}` : s)))];
    // Every path of up to four segments reads as it does behind "./", which takes the segment-by-segment
    // resolution (a leading "." segment is never a normal path).
    for (const p of new Set(paths)) {
      if (p.startsWith("/")) continue;
      expect(normalizePath(p), p).toEqual(normalizePath(`./${p}`));
    }
    expect(normalizePath("a/./b/../c//d/")).toEqual({ ok: true, path: "a/c/d" });
    expect(normalizePath("a/../..")).toEqual({ ok: false, reason: "escapes-root" });
    expect(normalizePath("kubernetes/apps/.github/x..y/a.yaml")).toEqual({
      ok: true,
      path: "kubernetes/apps/.github/x..y/a.yaml",
    });
  });

  it("clamps Flux spec.path at the root like securejoin", () => {
    expect(secureJoin("./apps/x/")).toBe("apps/x");
    expect(secureJoin("/apps/x")).toBe("apps/x");
    expect(secureJoin("../../x")).toBe("x");
    expect(secureJoin("")).toBe("");
  });

  it("computes relative paths", () => {
    expect(relativePath("apps/x", "apps/x/a.yaml")).toBe("a.yaml");
    expect(relativePath("apps/x", "components/c/x.yaml")).toBe("../../components/c/x.yaml");
  });
});
