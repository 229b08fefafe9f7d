import { Worker } from "node:worker_threads";

/**
 * Closed-loop HTTP load from a worker thread (its own event loop, so the client does not compete
 * with the server under test for one): `clients` loops each sending the next request as soon as
 * the previous answered, until `total` requests were sent. Bounded; 127.0.0.1 only.
 */
export interface LoadResult {
  readonly latencies: number[];
  readonly seconds: number;
  readonly failures: number;
  readonly statuses: Record<string, number>;
}

export interface LoadOptions {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly clients: number;
  readonly total: number;
  readonly expectStatus: number;
}

const SOURCE = `
const { parentPort, workerData: o } = require("node:worker_threads");
(async () => {
  if (!/^http:\\/\\/127\\.0\\.0\\.1:/.test(o.url)) throw new Error("load is for 127.0.0.1 only");
  const latencies = [];
  const statuses = {};
  let next = 0, failures = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: o.clients }, async () => {
    while (next < o.total) {
      next += 1;
      const t0 = performance.now();
      try {
        const response = await fetch(o.url, { method: o.method, headers: o.headers, body: o.body });
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (response.status !== o.expectStatus) failures += 1;
      } catch {
        failures += 1;
      }
      latencies.push(performance.now() - t0);
    }
  }));
  parentPort.postMessage({ latencies, failures, statuses, seconds: (performance.now() - started) / 1000 });
})();
`;

export function runHttpLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SOURCE, { eval: true, workerData: options });
    worker.once("message", (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}
