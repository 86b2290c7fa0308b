// The webhook receiver: verify, claim, hand over, answer 202 — well inside GitHub's 10 s (src/runtime/receiver.ts).
import type { Config } from "@netlify/functions";
import { receiverHandler } from "../../src/runtime/netlify.ts";

export default receiverHandler();

export const config: Config = { path: "/api/github/webhooks", method: "POST" };
