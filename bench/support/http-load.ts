import { fileURLToPath } from "node:url";
import { runJsonChild } from "./json-child.ts";

/**
 * HTTP load on 127.0.0.1 from a separate process (http-load-client.ts), so the load generator does
 * not share the server's event loop or heap; on a 2-core machine it still shares the CPU, as a
 * real client on the same box would. Bounded by `total` requests.
 *   - closed loop (no `rate`): `connections` clients, each sends its next request as soon as the
 *     previous one answered. Gives saturation throughput; latency is send → answer.
 *   - open loop (`rate` requests/s over `connections` keep-alive sockets): requests leave on a fixed
 *     schedule, and latency is measured from each request's scheduled time (no coordinated omission).
 */
export interface LoadResult {
  readonly latencies: number[];
  readonly seconds: number;
  readonly failures: number;
  readonly statuses: Record<string, number>;
  /** CPU the load client process used (start-up included), to see what it took from the server. */
  readonly clientCpuSeconds: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Keep-alive connections (= closed-loop clients). */
  readonly connections: number;
  readonly total: number;
  readonly expectStatus: number;
  /** Open loop: requests per second, on a fixed schedule. Unset: closed loop. */
  readonly rate?: number;
}

const CLIENT = fileURLToPath(new URL("./http-load-client.ts", import.meta.url));

export function runHttpLoad(options: LoadOptions): Promise<LoadResult> {
  return runJsonChild<LoadResult>(CLIENT, options);
}
