import { describe, expect, it } from "vitest";
import { diffValues } from "../../../src/core/impact/helm-value-diff.ts";
import type { ValueChange } from "../../../src/core/impact/types.ts";

const none = new Set<string>();

describe("core/impact/helm-value-diff", () => {
  it("walks maps in byte order and lists item by item", () => {
    expect(
      diffValues(
        { b: 1, a: { x: [1, 2, 3], y: "same" }, Z: true },
        { b: 2, a: { x: [1, 5], y: "same" }, c: null, Z: true },
        none,
      ),
    ).toEqual<ValueChange[]>([
      { path: "a.x[1]", change: "modified", from: "2", to: "5", secret: false },
      { path: "a.x[2]", change: "removed", from: "3", secret: false },
      { path: "b", change: "modified", from: "1", to: "2", secret: false },
      { path: "c", change: "added", to: "null", secret: false },
    ]);
  });

  it("replaces a container meeting a scalar by its leaves, and treats empty containers as leaves", () => {
    expect(
      diffValues(
        { a: { p: 1, q: { r: 2 } }, e: {}, f: [], g: "x" },
        { a: "flat", e: { k: 1 }, f: {}, g: [] },
        none,
      ),
    ).toEqual<ValueChange[]>([
      { path: "a.p", change: "removed", from: "1", secret: false },
      { path: "a.q.r", change: "removed", from: "2", secret: false },
      { path: "a", change: "added", to: "flat", secret: false },
      { path: "e.k", change: "added", to: "1", secret: false },
      { path: "f", change: "modified", from: "[]", to: "{}", secret: false },
      { path: "g", change: "modified", from: "x", to: "[]", secret: false },
    ]);
  });

  it("escapes keys, quotes multi-line strings and truncates long ones", () => {
    const long = "x".repeat(100);
    expect(diffValues({ "a.b": { "c[0]": "one\ntwo" } }, { "a.b": { "c[0]": long } }, none)).toEqual<
      ValueChange[]
    >([
      {
        path: "a\\.b.c\\[0\\]",
        change: "modified",
        from: '"one\\ntwo"',
        to: `${"x".repeat(79)}…`,
        secret: false,
      },
    ]);
  });

  it("hides the text of a secret path and of everything under it", () => {
    expect(
      diffValues(
        { auth: { users: ["<fp a>", "<fp b>"] }, other: 1 },
        { auth: { users: ["<fp a>", "<fp c>", "<fp d>"] }, other: 2 },
        new Set(["auth.users"]),
      ),
    ).toEqual<ValueChange[]>([
      { path: "auth.users[1]", change: "modified", secret: true },
      { path: "auth.users[2]", change: "added", secret: true },
      { path: "other", change: "modified", from: "1", to: "2", secret: false },
    ]);
  });

  it("handles deep values without recursion", () => {
    let a: Record<string, unknown> = { leaf: 1 };
    let b: Record<string, unknown> = { leaf: 2 };
    for (let i = 0; i < 5000; i++) {
      a = { n: a };
      b = { n: b };
    }
    const changes = diffValues(a as never, b as never, none);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.path).toBe(`${"n.".repeat(5000)}leaf`);
  });
});
