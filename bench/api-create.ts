import { createDeps } from "../src/deps.ts";
import { createHttpApp } from "../src/http/app.ts";
import { startHttpServer } from "../src/http/server.ts";
import { createTestDatabase } from "../test/support/test-db.ts";
import { createTestConfig, TEST_API_KEY, uniqueQueueName } from "../test/support/test-deps.ts";
import { latencyFigure, reportFigures, round } from "./support/bench-report.ts";
import { runHttpLoad, type LoadOptions } from "./support/http-load.ts";

/**
 * API task creation: POST /v1/tasks on 127.0.0.1 against the real stack (PostgreSQL, Redis/BullMQ),
 * no worker, so the figures are the web path alone. The server runs in this process as
 * `cloud-agent serve` runs it (createDeps with the production logger and pool); the clients run in
 * their own process (support/http-load.ts), sharing the machine's CPU but not the server's thread.
 *   (a) saturation: CLIENTS closed-loop clients, each sending its next request when the last
 *       answered → throughput, and latency at that saturation;
 *   (b) fixed rate: RATE requests/s offered on a schedule over CLIENTS keep-alive connections (open
 *       loop, wrk2-style) → latency from each request's scheduled send time;
 *   (c) one client: the unloaded latency of one request.
 * Goal on the 2-core CI box: >= 500 tasks/s, p99 < 50 ms at 500/s.
 *   node bench/api-create.ts   (BENCH_REQUESTS, BENCH_CLIENTS, BENCH_RATE to change the load)
 */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SINGLE = 300;
const WARMUP = 500;

const database = await createTestDatabase();
const config = createTestConfig({ DATABASE_URL: database.url, LOG_LEVEL: "info" });
const deps = createDeps(config, {
  queueName: uniqueQueueName("bench-api"),
  executor: { execute: () => Promise.reject(new Error("no worker in this bench")) },
});
const server = await startHttpServer({ app: createHttpApp(deps), port: 0, host: "127.0.0.1", log: deps.log });
const request = {
  url: `${server.url}/v1/tasks`,
  method: "POST",
  headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" },
  body: JSON.stringify({
    repository_url: "https://github.com/octo/hello.git",
    prompt: "Fix the flaky date test",
  }),
  expectStatus: 201,
};

async function load(options: Pick<LoadOptions, "connections" | "total" | "rate">) {
  const result = await runHttpLoad({ ...request, ...options });
  if (result.failures > 0) {
    throw new Error(
      `${result.failures} of ${options.total} requests failed: ${JSON.stringify(result.statuses)}`,
    );
  }
  return result;
}

try {
  await load({ connections: CLIENTS, total: WARMUP });
  const saturated = await load({ connections: CLIENTS, total: REQUESTS });
  const paced = await load({ connections: CLIENTS, total: REQUESTS, rate: RATE });
  const single = await load({ connections: 1, total: SINGLE });
  reportFigures([
    {
      name: `POST /v1/tasks throughput (${CLIENTS} closed-loop clients, saturation)`,
      unit: "tasks/s",
      value: round(REQUESTS / saturated.seconds, 0),
      goal: ">= 500",
    },
    latencyFigure(
      `POST /v1/tasks latency at saturation (${CLIENTS} closed-loop clients)`,
      saturated.latencies,
    ),
    latencyFigure(
      `POST /v1/tasks latency at ${RATE}/s offered (open loop, ${CLIENTS} connections)`,
      paced.latencies,
      "p99 < 50 ms",
    ),
    {
      name: `POST /v1/tasks rate achieved at ${RATE}/s offered`,
      unit: "tasks/s",
      value: round(REQUESTS / paced.seconds, 0),
    },
    latencyFigure("POST /v1/tasks latency (1 client)", single.latencies),
  ]);
} finally {
  await server.close();
  await deps.queue.queue.obliterate({ force: true }).catch(() => undefined);
  await deps.close();
  await database.destroy();
}
