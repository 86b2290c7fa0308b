/**
 * The Probot instance of a function, created on first use and reused while the instance is warm: the App
 * (src/github/app.ts), its Octokit with Probot's retry and throttling, and the base URL of the GitHub API.
 * Imported lazily by the worker and the scheduled functions only — the receiver never loads it.
 */
import type { Probot } from "probot";
import type { AppOptions } from "../github/app.ts";
import type { RuntimeEnv } from "./env.ts";

let instance: Promise<Probot> | undefined;

export type AppProbotOptions = Pick<AppOptions, "baseCache" | "deployStore" | "charts">;

/** `options` apply to the instance the first call creates. */
export function appProbot(env: RuntimeEnv, options: AppProbotOptions = {}): Promise<Probot> {
  instance ??= create(env, options);
  return instance;
}

async function create(env: RuntimeEnv, options: AppProbotOptions): Promise<Probot> {
  const [{ Probot, ProbotOctokit }, { createApp }, { guardedFetch }] = await Promise.all([
    import("probot"),
    import("../github/app.ts"),
    import("../github/fetch-guard.ts"),
  ]);
  // Only GitHub's hosts (or the configured API host), with deadlines: see fetch-guard.ts.
  const fetch = guardedFetch({
    extraHosts: env.GITHUB_API_URL ? [new URL(env.GITHUB_API_URL).hostname] : [],
  });
  const probot = new Probot({
    Octokit: ProbotOctokit.defaults((o: { request?: object; throttle?: object }) => ({
      ...o,
      request: { ...o.request, fetch },
      ...(env.GITHUB_THROTTLE === "off" ? { throttle: { ...o.throttle, enabled: false } } : {}),
    })),
    appId: Number(env.APP_ID),
    privateKey: (env.PRIVATE_KEY ?? "").replace(/\\n/g, "\n"),
    secret: env.WEBHOOK_SECRET,
    logLevel: env.LOG_LEVEL ?? "info",
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  await probot.load(createApp({ appId: Number(env.APP_ID), ...options }));
  return probot;
}
