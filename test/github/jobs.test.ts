import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";
import { describe, expect, it } from "vitest";
import { GitHubApiError } from "../../src/github/errors.ts";
import { CountingClient, call, configNote, type GitHubClient, snapshotAt } from "../../src/github/jobs.ts";
import { DEFAULT_TARBALL_LIMITS } from "../../src/github/tarball.ts";

describe("github/jobs configNote", () => {
  it("escapes configuration values before they reach a check run", () => {
    const note = configNote([
      { message: 'comment: must be one of always, affected, never (got "@admins [x](https://e.vil)")' },
    ]);

    expect(note).toContain("`.github/flux-impact.yml` is invalid");
    expect(note).not.toMatch(/(^|[^\\])@admins/);
    expect(note).not.toContain("](https://e.vil)");
    expect(configNote([])).toBe("");
  });
});

describe("github/jobs CountingClient", () => {
  it("after a 401 gets a new installation token once and tries again; a second 401 is final", async () => {
    const calls: string[] = [];
    let fail = 1;
    const client = {
      async request(route: string) {
        calls.push(route);
        if (fail-- > 0) throw Object.assign(new Error("Bad credentials"), { status: 401 });
        return { data: "ok", status: 200 };
      },
      graphql: async <T>() => ({}) as T,
      auth: async (o: { refresh: true }) => {
        calls.push(`auth refresh=${o.refresh}`);
      },
    };
    const gh = new CountingClient(client);
    expect((await gh.request("GET /x", {})).data).toBe("ok");
    expect(calls).toEqual(["GET /x", "auth refresh=true", "GET /x"]);
    expect(gh.count).toBe(2);
    fail = 5;
    await expect(gh.request("GET /y", {})).rejects.toMatchObject({ status: 401 });
  });
});

/** A client answering every request with `answer(route)`; GraphQL with `graphql()`. */
function client(
  answer: (route: string, params: Record<string, unknown>) => unknown,
  graphql: () => Promise<unknown> = async () => ({}),
): { gh: CountingClient; routes: string[] } {
  const routes: string[] = [];
  const inner: GitHubClient = {
    async request(route, params = {}) {
      routes.push(route);
      return (await answer(route, params)) as { data: unknown; status: number };
    },
    graphql: graphql as GitHubClient["graphql"],
  };
  return { gh: new CountingClient(inner), routes };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const HTML = "<!DOCTYPE html><html>Unicorn! ghs_should_not_leak</html>";

describe("github/jobs call: JSON routes answer JSON", () => {
  it("turns an HTML page, text or null with status 200 into a retriable GitHub fault", async () => {
    for (const data of [HTML, "", null, new ArrayBuffer(4)]) {
      const { gh } = client(() => ({ data, status: 200 }));
      const error = await failure(
        call(
          gh,
          "list the pull request's comments",
          "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
          {},
        ),
      );
      expect(error).toBeInstanceOf(GitHubApiError);
      expect(error).toMatchObject({ status: 200, retriable: true, failure: "malformed" });
      expect((error as Error).message).not.toContain("ghs_");
    }
  });

  it("accepts JSON objects and lists, an empty 204, and bytes or text from download routes", async () => {
    const answers: Record<string, { data: unknown; status: number }> = {
      "GET /a": { data: [{ id: 1 }], status: 200 },
      "POST /b": { data: { id: 2 }, status: 201 },
      "DELETE /c": { data: "", status: 204 },
      "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs": { data: "log line\n", status: 200 },
      "GET /repos/{owner}/{repo}/contents/{path}": { data: "kind: X\n", status: 200 },
    };
    const { gh } = client((route) => answers[route]);
    expect(await call(gh, "a", "GET /a", {})).toEqual([{ id: 1 }]);
    expect(await call(gh, "b", "POST /b", {})).toEqual({ id: 2 });
    expect(await call(gh, "c", "DELETE /c", {})).toBe("");
    expect(await call(gh, "log", "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {})).toBe(
      "log line\n",
    );
    expect(
      await call(gh, "raw", "GET /repos/{owner}/{repo}/contents/{path}", { mediaType: { format: "raw" } }),
    ).toBe("kind: X\n");
  });
});

describe("github/jobs CountingClient.graphql: an answer that is not GitHub's JSON", () => {
  it("is a retriable fault: an HTML page (no data), null (Octokit's TypeError), a list", async () => {
    const answers: Array<() => Promise<unknown>> = [
      async () => undefined,
      async () => {
        throw new TypeError("Cannot read properties of null (reading 'errors')");
      },
      async () => [],
    ];
    for (const graphql of answers) {
      const { gh } = client(() => ({ data: {}, status: 200 }), graphql);
      const error = await failure(gh.graphql("read the configuration and the check runs", "query {}", {}));
      expect(error).toMatchObject({ status: 200, retriable: true, failure: "malformed" });
    }
    const { gh } = client(
      () => ({ data: {}, status: 200 }),
      async () => ({ repository: null }),
    );
    expect(await gh.graphql("read", "query {}", {})).toEqual({ repository: null });
  });
});

describe("github/jobs snapshotAt: the archive read as it downloads", () => {
  const SHA = "c0ffee0000000000000000000000000000c0ffee";
  const JOB = { owner: "me", repo: "home-ops" };
  const gz = async () =>
    gzipSync(await packTar([{ header: { name: "me-home-ops-c0ffee0/ks.yaml", size: 5 }, body: "a: 1\n" }]));
  const stream = (bytes: Uint8Array, error?: unknown) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, bytes.length >> 1));
        if (error) controller.error(error);
        else {
          controller.enqueue(bytes.slice(bytes.length >> 1));
          controller.close();
        }
      },
    });

  it("asks Octokit for the unparsed body and reads the stream", async () => {
    const bytes = await gz();
    const seen: Array<Record<string, unknown>> = [];
    const { gh } = client((_route, params) => {
      seen.push(params);
      return { data: stream(bytes), status: 200, headers: { "content-length": String(bytes.length) } };
    });
    const snapshot = await snapshotAt(gh, JOB, SHA, "head", DEFAULT_TARBALL_LIMITS);
    expect(snapshot.files()).toEqual(["ks.yaml"]);
    expect(seen[0]).toMatchObject({ ref: SHA, request: { parseSuccessResponseBody: false } });
  });

  it("a body cut by its deadline is a retriable timeout, downloaded once; a connection reset, a retriable network fault", async () => {
    const bytes = await gz();
    const deadline = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const late = client(() => ({ data: stream(bytes, deadline), status: 200 }));
    const error = await failure(snapshotAt(late.gh, JOB, SHA, "base", DEFAULT_TARBALL_LIMITS));
    expect(error).toMatchObject({ status: 0, retriable: true, failure: "timeout" });
    expect((error as Error).message).toBe(
      "GitHub did not answer in time when asked to download the base revision.",
    );
    expect(late.routes).toHaveLength(1);

    const reset = Object.assign(new TypeError("terminated"), { cause: new Error("other side closed") });
    const dropped = client(() => ({ data: stream(bytes, reset), status: 200 }));
    expect(await failure(snapshotAt(dropped.gh, JOB, SHA, "head", DEFAULT_TARBALL_LIMITS))).toMatchObject({
      status: 0,
      retriable: true,
      message: "Could not reach GitHub to download the head revision.",
    });
  });

  it("a Content-Length over the limit is refused without reading the body", async () => {
    let pulled = false;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull() {
          pulled = true;
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const { gh } = client(() => ({ data: body, status: 200, headers: { "content-length": "209715200" } }));
    const error = await failure(snapshotAt(gh, JOB, SHA, "head", DEFAULT_TARBALL_LIMITS));
    expect(error).toMatchObject({
      problem: "too-large",
      message: "The repository archive is 200 MB compressed, over the 100 MB limit; it was not analyzed.",
    });
    expect(pulled).toBe(false);
    expect(cancelled).toBe(true);
  });
});
