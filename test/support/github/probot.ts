// biome-ignore-all lint/suspicious/noExplicitAny: webhook payloads and Octokit options are untyped JSON here.
/**
 * What the GitHub tests share: the real webhook payloads, a Probot instance with retries and throttling
 * off (the function form of ProbotOctokit.defaults), tarballs shaped like GitHub's, and the network guard
 * that fails a test on any request no mock answered.
 */
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, expect } from "vitest";
import { createApp } from "../../../src/github/app.ts";
import { githubTarball, testPrivateKey, webhookExamples } from "./github-double.ts";

export const API = "https://api.github.com";
export const APP_ID = 123;
export const GZIP = { "content-type": "application/x-gzip" };
export const TOKEN = { token: "ghs_installation_token", expires_at: "2999-01-01T00:00:00Z" };

export { webhookExamples };

/** A tarball as GitHub serves it: one top directory `owner-repo-sha7/`. */
export const tarballOf = githubTarball;

export async function testProbot(
  retry = false,
  options: Parameters<typeof createApp>[0] = {},
): Promise<Probot> {
  const p = new Probot({
    appId: APP_ID,
    privateKey: testPrivateKey(),
    secret: "test-secret",
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: any) => ({
      ...o,
      retry: retry ? { ...o.retry, enabled: true, retryAfterBaseValue: 10 } : { enabled: false },
      throttle: { ...o.throttle, enabled: false },
    })),
  });
  await p.load(createApp({ appId: APP_ID, ...options }));
  return p;
}

/** Registers hooks that disable the network and fail the test on any request no mock answered. */
export function guardNetwork(): void {
  const unmatched: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string }) => unmatched.push(`${req.method} ${req.path}`);
  beforeEach(() => {
    nock.disableNetConnect();
    unmatched.length = 0;
    nock.emitter.on("no match", onNoMatch);
  });
  afterEach(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
    // No request may have gone unmocked, even one whose failure the App handled gracefully.
    expect(unmatched).toEqual([]);
  });
}
