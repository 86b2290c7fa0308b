/**
 * The environment of the Netlify functions, validated once per cold start. Messages name the variables,
 * never their values. (Netlify's environment is at most 4 KB in total: keep the private key PEM with `\n`
 * escapes, not base64.)
 */
import * as z from "zod";
import { parseRepositories } from "./allow-list.ts";

const Env = z.object({
  APP_ID: z.string().regex(/^\d+$/, "must be the numeric GitHub App id"),
  PRIVATE_KEY: z.string().min(1).optional(),
  WEBHOOK_SECRET: z.string().min(8, "must be set (at least 8 characters)"),
  /** The previous secret while rotating: deliveries signed with either are accepted. */
  WEBHOOK_SECRET_PREVIOUS: z.string().min(8).optional(),
  /** Another GitHub API (GitHub Enterprise, or the local fake in `npm run e2e`). */
  GITHUB_API_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).optional(),
  /** The repository allow-list of every entry point ("owner/repo" or "owner/*", comma-separated). */
  FLUX_IMPACT_REPOSITORIES: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseRepositories(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message.replace(/^.*?must/, "must") });
      }
    }),
  /** Keys the event token of each repository's clusters (flux-events.ts); unset: Flux events are refused. */
  FLUX_EVENTS_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** The previous one while rotating. */
  FLUX_EVENTS_SECRET_PREVIOUS: z.string().min(16, "must be at least 16 characters").optional(),
  /** `off` only for local load tests: Probot's write throttling is per process and adds seconds per job. */
  GITHUB_THROTTLE: z.enum(["on", "off"]).optional(),
});

export type RuntimeEnv = z.infer<typeof Env>;

export class EnvError extends Error {
  override readonly name = "EnvError";
}

/** The secrets only (what the receiver needs: no private key). */
export function webhookSecrets(env: Record<string, string | undefined>): string[] {
  const secrets = [env.WEBHOOK_SECRET, env.WEBHOOK_SECRET_PREVIOUS].filter(
    (s): s is string => !!s && s.length >= 8,
  );
  if (secrets.length === 0)
    throw new EnvError("flux-impact: WEBHOOK_SECRET must be set (at least 8 characters)");
  return secrets;
}

/** The Flux event secrets (current, previous); empty when Flux events are not configured. */
export function fluxEventSecrets(env: Record<string, string | undefined>): string[] {
  return [env.FLUX_EVENTS_SECRET, env.FLUX_EVENTS_SECRET_PREVIOUS].filter(
    (s): s is string => !!s && s.length >= 16,
  );
}

export function parseEnv(env: Record<string, string | undefined>, needKey = true): RuntimeEnv {
  const result = Env.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")} ${i.message}`);
  if (needKey && !env.PRIVATE_KEY)
    problems.push("PRIVATE_KEY must be set (the App's PEM key, newlines as \\n)");
  if (problems.length) throw new EnvError(`flux-impact: invalid environment: ${problems.join("; ")}`);
  return result.data as RuntimeEnv;
}
