// Hourly: have GitHub redeliver deliveries that failed or never completed (3-day window) (src/runtime/scheduled.ts).
import type { Config } from "@netlify/functions";
import { reconcileHandler } from "../../src/runtime/netlify.ts";

export default () => reconcileHandler();

export const config: Config = { schedule: "@hourly" };
