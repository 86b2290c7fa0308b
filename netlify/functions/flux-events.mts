// Flux's events (notification-controller, generic-hmac Provider): verify, claim, hand over, answer 202 (src/runtime/flux-events.ts).
import type { Config } from "@netlify/functions";
import { fluxEventsHandler } from "../../src/runtime/netlify.ts";

export default fluxEventsHandler();

export const config: Config = { path: "/api/flux/events/*" };
