/**
 * The peak RSS of a synchronous pipeline, for the memory cases run in a child process (L4, B45): a worker
 * thread samples the process's RSS every 2 ms into shared memory while the main thread is busy.
 */
import { Worker } from "node:worker_threads";

/** Samples process RSS from a worker thread into `peak[0]` (KiB) until `peak[1]` is set. */
const SAMPLER = `
const { workerData } = require("node:worker_threads");
const peak = new Int32Array(workerData);
const tick = () => {
  const kib = Math.round(process.memoryUsage.rss() / 1024);
  if (kib > Atomics.load(peak, 0)) Atomics.store(peak, 0, kib);
  if (Atomics.load(peak, 1) === 0) setTimeout(tick, 2);
};
tick();
`;

/** Starts sampling; `stop()` ends it and gives the highest RSS seen, in bytes. */
export function startSampler(): { stop: () => Promise<number> } {
  const shared = new SharedArrayBuffer(8);
  const peak = new Int32Array(shared);
  const worker = new Worker(SAMPLER, { eval: true, workerData: shared });
  return {
    async stop() {
      Atomics.store(peak, 1, 1);
      await worker.terminate();
      return Atomics.load(peak, 0) * 1024;
    },
  };
}
