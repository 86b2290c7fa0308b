// biome-ignore-all lint/suspicious/noExplicitAny: webhook payloads and Octokit options are untyped JSON here.
/**
 * What the GitHub tests share: the real webhook payloads, a Probot instance with retries and throttling
 * off (the function form of ProbotOctokit.defaults), tarballs shaped like GitHub's, and the network guard
 * that fails a test on any request no mock answered.
 */
import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, expect } from "vitest";
import { createApp } from "../../src/github/app.ts";

export const API = "https://api.github.com";
export const APP_ID = 123;
export const GZIP = { "content-type": "application/x-gzip" };
export const TOKEN = { token: "ghs_installation_token", expires_at: "2999-01-01T00:00:00Z" };

export const webhookExamples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Array<{
  name: string;
  examples: Array<Record<string, any>>;
}>;

const privateKey = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/** A tarball as GitHub serves it: one top directory `owner-repo-sha7/`. */
export async function tarballOf(
  files: Map<string, Uint8Array>,
  sha: string,
  owner: string,
  repo: string,
): Promise<Buffer> {
  const top = `${owner}-${repo}-${sha.slice(0, 7)}/`;
  return gzipSync(
    await packTar(
      [...files].map(([path, body]) => ({ header: { name: top + path, size: body.length }, body })),
    ),
  );
}

export async function testProbot(
  retry = false,
  options: Parameters<typeof createApp>[0] = {},
): Promise<Probot> {
  const p = new Probot({
    appId: APP_ID,
    privateKey,
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
