// The background worker (15 min, retried by Netlify on failure): runs the App on one delivery (src/runtime/worker.ts).
import { workerHandler } from "../../src/runtime/netlify.ts";

export default workerHandler();
