/**
 * Which deliveries are worth a job, decided from the payload alone (cheap, no GitHub call): the receiver
 * drops the rest with a 2xx so the worker is never started for them. It mirrors the App's own filters
 * (src/github/app.ts), which stay the authority — this only saves work. Kept free of any analysis code so
 * the receiver's cold start stays small.
 */

export type Interest = { kind: "job" } | { kind: "log" } | { kind: "ignore"; why: string } | { kind: "ping" };

const PR_ACTIONS = new Set(["opened", "synchronize", "reopened", "ready_for_review", "edited"]);
const RECHECK = /^\s*\/flux-impact\s+recheck\s*(?:\n|$)/;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null ? (v as Json) : {});

export function interest(event: string, payload: unknown): Interest {
  const p = obj(payload);
  const action = typeof p.action === "string" ? p.action : undefined;
  const ignore = (why: string): Interest => ({ kind: "ignore", why });
  switch (event) {
    case "ping":
      return { kind: "ping" };
    case "pull_request": {
      if (!action || !PR_ACTIONS.has(action)) return ignore(`pull_request.${action ?? "?"} is not analyzed`);
      if (obj(p.pull_request).state === "closed") return ignore("closed pull request");
      if (action === "edited" && !("base" in obj(p.changes))) return ignore("edit without a base change");
      return { kind: "job" };
    }
    case "push": {
      const branch = obj(p.repository).default_branch;
      if (p.ref !== `refs/heads/${String(branch)}`) return ignore("not the default branch");
      if (p.deleted === true) return ignore("branch deleted");
      return { kind: "job" };
    }
    case "check_run":
      if (action !== "rerequested") return ignore(`check_run.${action ?? "?"}`);
      return obj(p.check_run).name === "flux-impact" ? { kind: "job" } : ignore("another app's check run");
    case "check_suite":
      return action === "rerequested" ? { kind: "job" } : ignore(`check_suite.${action ?? "?"}`);
    case "issue_comment": {
      if (action !== "created") return ignore(`issue_comment.${action ?? "?"}`);
      if (obj(p.sender).type === "Bot") return ignore("comment by a bot (this App included)");
      if (!obj(p.issue).pull_request) return ignore("comment on an issue");
      const body = obj(p.comment).body;
      return typeof body === "string" && RECHECK.test(body) ? { kind: "job" } : ignore("not a command");
    }
    case "workflow_run":
      return action === "completed" ? { kind: "job" } : ignore(`workflow_run.${action ?? "?"}`);
    case "installation":
    case "installation_repositories":
      return { kind: "log" };
    default:
      return ignore(`event ${event} is not handled`);
  }
}

export function describeDelivery(payload: unknown): { action?: string; repository?: string } {
  const p = obj(payload);
  const fullName = obj(p.repository).full_name;
  return {
    ...(typeof p.action === "string" ? { action: p.action } : {}),
    ...(typeof fullName === "string" ? { repository: fullName } : {}),
  };
}
