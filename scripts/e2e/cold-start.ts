/**
 * Cold-start ack (L5): a fresh process imports the receiver's Netlify wiring and answers one signed
 * delivery. Prints `{"status", "ms"}` — ms since the process started, imports included.
 * Usage (from scripts/e2e.ts): node --import tsx scripts/e2e/cold-start.ts <functions-url> <body-file> <signature>
 */
import { readFileSync } from "node:fs";

const [url, bodyFile, signature] = process.argv.slice(2);
const { receiverHandler } = await import("../../src/runtime/netlify.ts");
const handle = receiverHandler(process.env);
const body = readFileSync(bodyFile!, "utf8");
const res = await handle(
  new Request(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-delivery": `cold-${process.pid}`,
      "x-github-event": "workflow_run",
      "x-hub-signature-256": signature!,
    },
    body,
  }),
);
process.stdout.write(`${JSON.stringify({ status: res.status, ms: Math.round(process.uptime() * 1000) })}\n`);
process.exit(0);
