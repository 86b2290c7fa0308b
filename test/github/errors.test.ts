import { RequestError } from "@octokit/request-error";
import { describe, expect, it } from "vitest";
import { GitHubApiError, toGitHubError } from "../../src/github/errors.ts";

function requestError(
  status: number,
  headers: Record<string, string> = {},
  body = "secret body",
): RequestError {
  return new RequestError("upstream message", status, {
    request: {
      method: "GET",
      url: "https://api.github.com/repos/me/home/tarball/abc?access_token=ghs_should_not_leak",
      headers: { authorization: "token ghs_should_not_leak" },
    },
    response: { status, url: "https://api.github.com/x", headers, data: body },
  });
}

describe("github/errors", () => {
  it("marks server errors retriable and client errors final, with a safe message", () => {
    const server = toGitHubError(requestError(502), "download the head revision");
    expect(server).toMatchObject({ status: 502, retriable: true });
    expect(server.message).toBe(
      "GitHub answered 502 (a GitHub server error) when asked to download the head revision.",
    );

    const gone = toGitHubError(requestError(404), "download the head revision");
    expect(gone).toMatchObject({ status: 404, retriable: false });
    expect(gone.message).toContain("deleted branch");
  });

  it("honours Retry-After and rate-limit resets", () => {
    const secondary = toGitHubError(requestError(403, { "retry-after": "60" }), "update the check run");
    expect(secondary).toMatchObject({ status: 403, retriable: true, retryAfterSeconds: 60 });
    expect(secondary.message).toContain("GitHub asked to wait 60 s");

    const primary = toGitHubError(
      requestError(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000120" }),
      "list comments",
      1_700_000_000,
    );
    expect(primary).toMatchObject({ retriable: true, retryAfterSeconds: 120 });

    const forbidden = toGitHubError(
      requestError(403, { "x-ratelimit-remaining": "4000" }),
      "create an issue",
    );
    expect(forbidden.retriable).toBe(false);
  });

  it("treats a failure without a response as a retriable network error", () => {
    const e = toGitHubError(new TypeError("fetch failed"), "compare the revisions");
    expect(e).toBeInstanceOf(GitHubApiError);
    expect(e).toMatchObject({ status: 0, retriable: true });
    expect(e.message).toBe("Could not reach GitHub to compare the revisions.");
  });

  it("never carries the token, the URL or the response body into its message", () => {
    const e = toGitHubError(requestError(500, {}, "ghs_should_not_leak in body"), "download");
    expect(JSON.stringify({ ...e, text: e.message, stack: e.stack })).not.toContain("ghs_should_not_leak");
    expect(e.message).not.toContain("upstream message");
  });

  it("a GraphQL answer with errors names the error types only, never GitHub's messages", () => {
    const error = Object.assign(
      new Error("Request failed due to following response errors: 'secret.yaml' …"),
      {
        name: "GraphqlResponseError",
        errors: [
          { type: "FORBIDDEN", message: "Resource not accessible: ghs_should_not_leak" },
          { type: "FORBIDDEN", message: "again" },
          { type: "<b>x</b>", message: "odd" },
        ],
        data: null,
      },
    );
    const typed = toGitHubError(error, "re-read the pull request");
    expect(typed).toMatchObject({ status: 200, retriable: false, graphqlErrorTypes: ["FORBIDDEN"] });
    expect(typed.message).toBe(
      "GitHub's GraphQL API answered with errors (FORBIDDEN) when asked to re-read the pull request.",
    );
  });

  it("a secondary rate limit without Retry-After waits a minute (GitHub's guidance); its message is not repeated", () => {
    const error = requestError(403, {}, "secret body");
    Object.assign(error, { message: "You have exceeded a secondary rate limit. ghs_should_not_leak" });
    const typed = toGitHubError(error, "create the comment");
    expect(typed).toMatchObject({ status: 403, retriable: true, retryAfterSeconds: 60 });
    expect(typed.message).toBe(
      "GitHub answered 403 (forbidden or rate limited) when asked to create the comment; GitHub asked to wait 60 s.",
    );
  });

  it("a download body cut off by its deadline is a retriable timeout; a connection reset, a retriable network fault", () => {
    const deadline = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const late = toGitHubError(deadline, "download the head revision");
    expect(late).toMatchObject({ status: 0, retriable: true, failure: "timeout" });
    expect(late.message).toBe("GitHub did not answer in time when asked to download the head revision.");

    const reset = Object.assign(new TypeError("terminated"), {
      cause: Object.assign(new Error("other side closed"), { name: "SocketError", code: "UND_ERR_SOCKET" }),
    });
    expect(toGitHubError(reset, "download the base revision")).toMatchObject({
      status: 0,
      retriable: true,
      message: "Could not reach GitHub to download the base revision.",
    });
  });

  it("an answer that is not GitHub's JSON is a retriable fault whose message never quotes it", () => {
    const typed = new GitHubApiError("list the comments", 200, true, undefined, undefined, "malformed");
    expect(typed.message).toBe(
      "GitHub answered with something other than the JSON expected when asked to list the comments.",
    );
    // A GraphQL answer whose `errors` is not GitHub's documented list.
    const odd = Object.assign(new Error("<html>ghs_should_not_leak</html>"), {
      name: "GraphqlResponseError",
      errors: "<html>ghs_should_not_leak</html>",
    });
    const fromGraphql = toGitHubError(odd, "re-read the pull request");
    expect(fromGraphql).toMatchObject({ status: 200, retriable: true, failure: "malformed" });
    expect(fromGraphql.message).not.toContain("ghs_should_not_leak");
  });

  it("a redirect refused by the fetch guard is not retried and says so", () => {
    const blocked = Object.assign(new Error("refused a request to 169.254.169.254: not a GitHub host"), {
      status: 500,
      cause: Object.assign(new Error("refused"), { name: "BlockedRequestError" }),
    });
    const typed = toGitHubError(blocked, "download the head revision");
    expect(typed).toMatchObject({ status: 0, retriable: false, failure: "blocked" });
    expect(typed.message).toMatch(/not GitHub's download service \(another host, or plain http\)/);
    expect(typed.message).not.toContain("169.254");
  });
});
