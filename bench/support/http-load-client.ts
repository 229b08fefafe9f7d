import { Agent, request } from "node:http";
import type { LoadOptions, LoadResult } from "./http-load.ts";
import { readJsonFromStdin } from "./json-child.ts";

/**
 * The load generator, run as its own process by http-load.ts (so it never shares an event loop or a
 * V8 heap with the server under test). Reads LoadOptions as JSON on stdin, writes LoadResult as JSON
 * on stdout. Plain node:http with a keep-alive agent of `connections` sockets (one per client).
 *   closed: `connections` loops, each sending its next request when the previous one answered;
 *           latency is send → answer.
 *   open:   request i is due at start + i / rate, whatever the answers do (wrk2-style); a request
 *           that finds every socket busy waits in the agent's queue, and its latency is measured from
 *           its due time, so a slow server cannot hide its queueing (no coordinated omission).
 */
const TICK_MS = 1;

const options = await readJsonFromStdin<LoadOptions>();
const url = new URL(options.url);
if (url.hostname !== "127.0.0.1") throw new Error("load is for 127.0.0.1 only");
const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
const body = Buffer.from(options.body);
const headers = { ...options.headers, "content-length": String(body.length) };

const latencies: number[] = [];
const statuses: Record<string, number> = {};
let failures = 0;

/** One request; resolves when the answer's body was read. `from` is the time latency counts from. */
function send(from: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (status: string) => {
      latencies.push(performance.now() - from);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== String(options.expectStatus)) failures += 1;
      resolve();
    };
    const req = request(url, { method: options.method, headers, agent }, (res) => {
      res.resume();
      res.on("end", () => done(String(res.statusCode)));
      res.on("error", () => done("error"));
    });
    req.on("error", () => done("error"));
    req.end(body);
  });
}

async function closedLoop(): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (next < options.total) {
        next += 1;
        await send(performance.now());
      }
    }),
  );
  return performance.now() - started;
}

async function openLoop(rate: number): Promise<number> {
  const interval = 1000 / rate;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (sent < options.total) {
    const now = performance.now();
    // Everything due by now goes out now, each timed from its own due time.
    while (sent < options.total && started + sent * interval <= now) {
      pending.push(send(started + sent * interval));
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(pending);
  return performance.now() - started;
}

const elapsedMs = options.rate === undefined ? await closedLoop() : await openLoop(options.rate);
agent.destroy();
const cpu = process.cpuUsage();
const result: LoadResult = {
  latencies,
  seconds: elapsedMs / 1000,
  failures,
  statuses,
  clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
};
process.stdout.write(JSON.stringify(result));
