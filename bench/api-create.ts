import { createDeps } from "../src/deps.ts";
import { createHttpApp } from "../src/http/app.ts";
import { startHttpServer } from "../src/http/server.ts";
import { createTestDatabase } from "../test/support/test-db.ts";
import { createTestConfig, silentLogger, TEST_API_KEY, uniqueQueueName } from "../test/support/test-deps.ts";
import { latencyFigure, reportFigures, round } from "./support/bench-report.ts";
import { runHttpLoad } from "./support/http-load.ts";

/**
 * API task creation: POST /v1/tasks from 50 concurrent clients (keep-alive) on 127.0.0.1 against
 * the real stack (PostgreSQL, Redis/BullMQ); no worker runs, so the figure is the web path alone.
 * The clients run in a worker thread (support/http-load.ts).
 * Goal on the 2-core CI box: >= 500 tasks/s, p99 < 50 ms.
 *   node bench/api-create.ts            (BENCH_REQUESTS, BENCH_CLIENTS to change the load)
 */
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const WARMUP = 300;

const database = await createTestDatabase();
const config = createTestConfig({ DATABASE_URL: database.url });
const deps = createDeps(config, {
  log: silentLogger(),
  queueName: uniqueQueueName("bench-api"),
  poolSize: Number(process.env.BENCH_POOL ?? 10),
  executor: { execute: () => Promise.reject(new Error("no worker in this bench")) },
});
const server = await startHttpServer({ app: createHttpApp(deps), port: 0, host: "127.0.0.1", log: deps.log });
const body = JSON.stringify({
  repository_url: "https://github.com/octo/hello.git",
  prompt: "Fix the flaky date test",
});
const headers = { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" };

const load = (total: number) =>
  runHttpLoad({
    url: `${server.url}/v1/tasks`,
    method: "POST",
    headers,
    body,
    clients: CLIENTS,
    total,
    expectStatus: 201,
  });

try {
  await load(WARMUP);
  const { latencies, seconds, failures, statuses } = await load(REQUESTS);
  if (failures > 0)
    throw new Error(`${failures} of ${REQUESTS} requests failed: ${JSON.stringify(statuses)}`);
  reportFigures([
    {
      name: `POST /v1/tasks throughput (${CLIENTS} clients)`,
      unit: "tasks/s",
      value: round(REQUESTS / seconds, 0),
      goal: ">= 500",
    },
    latencyFigure(`POST /v1/tasks latency (${CLIENTS} clients)`, latencies, "p99 < 50 ms"),
  ]);
} finally {
  await server.close();
  await deps.queue.queue.obliterate({ force: true }).catch(() => undefined);
  await deps.close();
  await database.destroy();
}
