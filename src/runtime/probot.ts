/**
 * The Probot instance of a function, created on first use and reused while the instance is warm: the App
 * (src/github/app.ts), its Octokit with Probot's retry and throttling, and the base URL of the GitHub API.
 * Imported lazily by the worker and the scheduled functions only — the receiver never loads it.
 */
import type { Probot } from "probot";
import type { RuntimeEnv } from "./env.ts";

let instance: Promise<Probot> | undefined;

export function appProbot(env: RuntimeEnv): Promise<Probot> {
  instance ??= create(env);
  return instance;
}

async function create(env: RuntimeEnv): Promise<Probot> {
  const [{ Probot, ProbotOctokit }, { createApp }] = await Promise.all([
    import("probot"),
    import("../github/app.ts"),
  ]);
  const probot = new Probot({
    ...(env.GITHUB_THROTTLE === "off"
      ? {
          Octokit: ProbotOctokit.defaults((o: { throttle?: object }) => ({
            ...o,
            throttle: { ...o.throttle, enabled: false },
          })),
        }
      : {}),
    appId: Number(env.APP_ID),
    privateKey: (env.PRIVATE_KEY ?? "").replace(/\\n/g, "\n"),
    secret: env.WEBHOOK_SECRET,
    logLevel: env.LOG_LEVEL ?? "info",
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  await probot.load(createApp({ appId: Number(env.APP_ID) }));
  return probot;
}
