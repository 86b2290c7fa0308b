/**
 * `npm run e2e`: flux-impact end to end over HTTP on this machine with the real Netlify handlers (see
 * test/support/e2e/run.ts for what it sets up and checks). Prints each check and the timings; exits 1 when a
 * check fails.
 */
import { runEndToEnd } from "../test/support/e2e/run.ts";

const result = await runEndToEnd((line) => process.stdout.write(`${line}\n`));
const failed = result.checks.filter((c) => !c.ok).length;
process.stdout.write(failed ? `e2e: ${failed} failed\n` : "e2e: all checks passed\n");
process.exit(failed ? 1 : 0);
