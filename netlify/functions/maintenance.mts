// Daily: the stale-service sweep and the health dashboard of every installed repository (src/github/maintenance.ts).
import type { Config } from "@netlify/functions";
import { maintenanceHandler } from "../../src/runtime/netlify.ts";

export default () => maintenanceHandler();

export const config: Config = { schedule: "@daily" };
