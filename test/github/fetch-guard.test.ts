import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

  it("follows a redirect only over https, to the hosts GitHub serves archives and logs from", async () => {
    const redirectTo = (location: string) => {
      const fetched: string[] = [];
      const f = guardedFetch({
        fetch: async (url) => {
          fetched.push(new URL(String(url)).host);
          return fetched.length === 1
            ? new Response(null, { status: 302, headers: { location } })
            : new Response("log text");
        },
      });
      return { run: () => f("https://api.github.com/repos/o/r/actions/jobs/1/logs"), fetched };
    };
    for (const allowed of [
      "https://codeload.github.com/o/r/legacy.tar.gz/abc",
      "https://productionresultssa7.blob.core.windows.net/actions-results/x?sig=s",
      "https://results-receiver.actions.githubusercontent.com/x",
      "https://pipelines.actions.githubusercontent.com/x",
    ]) {
      const r = redirectTo(allowed);
      expect(await (await r.run()).text()).toBe("log text");
      expect(r.fetched).toEqual(["api.github.com", new URL(allowed).host]);
    }
    for (const [refused, reason] of [
      ["https://attacker.blob.core.windows.net/c/x?sig=s", "not a GitHub host"],
      ["https://raw.githubusercontent.com/o/r/main/x", "not a GitHub host"],
      ["https://productionresultssa7.blob.core.windows.net.evil.example/x", "not a GitHub host"],
      ["http://codeload.github.com/o/r/legacy.tar.gz/abc", "not https"],
      ["https://codeload.github.com:8443/o/r/legacy.tar.gz/abc", "not GitHub's address"],
    ] as const) {
      const r = redirectTo(refused);
      const error = await r.run().catch((e: Error) => e);
      expect(error).toBeInstanceOf(BlockedRequestError);
      expect((error as Error).message).toBe(`refused a request to ${new URL(refused).hostname}: ${reason}`);
      expect((error as Error).message).not.toContain("sig=");
      expect(r.fetched).toEqual(["api.github.com"]);
    }
  });

  it("starts requests only at the API host; plain http only for a configured host (a local double)", async () => {
    const seen: string[] = [];
    const f = guardedFetch({
      extraHosts: ["127.0.0.1"],
      fetch: async (url) => {
        seen.push(String(url));
        return new Response("{}");
      },
    });
    await expect(f("https://codeload.github.com/o/r/legacy.tar.gz/abc")).rejects.toThrow(
      "refused a request to codeload.github.com: not a GitHub host",
    );
    await expect(f("http://api.github.com/repos/o/r")).rejects.toThrow(
      "refused a request to api.github.com: not https",
    );
    await f("http://127.0.0.1:8080/api/v3/repos/o/r");
    expect(seen).toEqual(["http://127.0.0.1:8080/api/v3/repos/o/r"]);
  });

  it("keeps the Authorization header on a redirect within the API host (a renamed repository)", async () => {
    const auth: Array<string | null> = [];
    const f = guardedFetch({
      fetch: async (url, init) => {
        auth.push(new Headers(init?.headers).get("authorization"));
        return String(url).includes("/repositories/")
          ? new Response("{}")
          : new Response(null, { status: 301, headers: { location: "/repositories/42/pulls/1" } });
      },
    });
    await f("https://api.github.com/repos/old/name/pulls/1", { headers: { authorization: "token ghs_x" } });
    expect(auth).toEqual(["token ghs_x", "token ghs_x"]);
  });

  it("the deadline also ends a download whose body stalls after the headers", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-gzip" });
      res.write("partial"); // and then nothing
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const f = guardedFetch({ extraHosts: ["127.0.0.1"], downloadTimeoutMs: 100 });
      const { port } = server.address() as AddressInfo;
      const res = await f(`http://127.0.0.1:${port}/repos/o/r/tarball/abc`);
      const error = await res.arrayBuffer().catch((e: Error) => e);
      expect(error).toMatchObject({ name: "TimeoutError" });
    } finally {
      server.closeAllConnections();
      server.close();
    }
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
