// Every 10 minutes: end the deploys whose deadline passed with objects still silent (src/github/deploy-run.ts).
import type { Config } from "@netlify/functions";
import { deploysHandler } from "../../src/runtime/netlify.ts";

export default () => deploysHandler();

export const config: Config = { schedule: "*/10 * * * *" };
