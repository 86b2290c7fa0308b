import { describe, expect, it } from "vitest";
import { allowedHost, BlockedRequestError, guardedFetch } from "../../src/github/fetch-guard.ts";

describe("github/fetch-guard", () => {
  it("follows redirects to GitHub's archive host, without the Authorization header", async () => {
    const seen: Array<{ url: string; auth: string | null }> = [];
    const f = guardedFetch({
      fetch: async (url, init) => {
        seen.push({ url: String(url), auth: new Headers(init?.headers).get("authorization") });
        return String(url).includes("api.github.com")
          ? new Response(null, {
              status: 302,
              headers: { location: "https://codeload.github.com/o/r/legacy.tar.gz/abc?token=T" },
            })
          : new Response("tarball");
      },
    });
    const res = await f("https://api.github.com/repos/o/r/tarball/abc", {
      headers: { authorization: "token ghs_x" },
    });
    expect(await res.text()).toBe("tarball");
    expect(seen).toEqual([
      { url: "https://api.github.com/repos/o/r/tarball/abc", auth: "token ghs_x" },
      { url: "https://codeload.github.com/o/r/legacy.tar.gz/abc?token=T", auth: null },
    ]);
  });

  it("refuses requests and redirects to any other host (SSRF), without echoing the redirect URL", async () => {
    const f = guardedFetch({
      fetch: async () =>
        new Response(null, {
          status: 302,
          headers: { location: "http://169.254.169.254/latest/meta-data?x=secret" },
        }),
    });
    const error = await f("https://api.github.com/repos/o/r/tarball/abc").catch((e: Error) => e);
    expect(error).toBeInstanceOf(BlockedRequestError);
    expect((error as Error).message).toBe("refused a request to 169.254.169.254: not a GitHub host");
    await expect(guardedFetch()("https://evil.example/x")).rejects.toThrow(BlockedRequestError);
    expect(allowedHost("pipelines.actions.githubusercontent.com")).toBe(true);
    expect(allowedHost("github.com.evil.example")).toBe(false);
    expect(allowedHost("127.0.0.1", ["127.0.0.1"])).toBe(true);
  });

  it("aborts a request that hangs at its deadline", async () => {
    const f = guardedFetch({
      apiTimeoutMs: 30,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)),
        ),
    });
    // The fake never answers: only the deadline can end the request.
    await expect(f("https://api.github.com/repos/o/r")).rejects.toThrow(/timeout|aborted/i);
  });
});
