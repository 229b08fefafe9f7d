import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, migrationStatus } from "../../src/db/migrate.ts";
import { createDeps, type Deps } from "../../src/deps.ts";
import { createHttpApp } from "../../src/http/app.ts";
import { startHttpServer, type HttpServer } from "../../src/http/server.ts";
import { startTaskWorker } from "../../src/queue/start-task-worker.ts";
import type { TaskWorker } from "../../src/queue/task-worker.ts";
import { createTestConfig, silentLogger, TEST_API_KEY, uniqueQueueName } from "../support/test-deps.ts";
import { createTestExecutor } from "../support/test-executor.ts";
import { waitFor } from "../support/wait-for.ts";

// The embedded default (no DATABASE_URL): the same migrations and queries on PGlite in DATA_DIR.
let deps: Deps;
let server: HttpServer;
let worker: TaskWorker;
const executor = createTestExecutor((call) => (call === 1 ? { kind: "succeed" } : { kind: "hang" }));

beforeAll(async () => {
  const config = createTestConfig({ DATABASE_URL: undefined });
  deps = createDeps(config, { log: silentLogger(), executor, queueName: uniqueQueueName("pglite") });
  await migrateToLatest(deps.db);
  server = await startHttpServer({ app: createHttpApp(deps), port: 0, host: "127.0.0.1", log: deps.log });
  worker = startTaskWorker(deps, { concurrency: 1, pollMs: 500 });
}, 120_000);
afterAll(async () => {
  await worker?.close(1_000);
  await server?.close();
  await deps?.queue.queue.obliterate({ force: true }).catch(() => undefined);
  await deps?.close();
});

const request = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json", ...init.headers },
  });

async function waitForStatus(id: string, status: string) {
  return waitFor(async () => {
    const body = (await (await request(`/v1/tasks/${id}`)).json()) as any;
    return body.status === status ? body : undefined;
  });
}

describe("embedded PGlite", () => {
  it("has every migration applied in DATA_DIR/pglite", async () => {
    const status = await migrationStatus(deps.db);

    expect(status.length).toBeGreaterThan(0);
    expect(status.every((migration) => migration.executedAt !== null)).toBe(true);
  });

  it("runs a task through the API and the worker to completed, with logs, files and session", async () => {
    const created = await request("/v1/tasks", {
      method: "POST",
      body: JSON.stringify({ repository_url: "https://github.com/octo/hello.git", prompt: "Fix it" }),
    });
    const task = (await created.json()) as any;

    const done = await waitForStatus(task.id, "completed");
    const logs = (await (await request(`/v1/tasks/${task.id}/logs`)).json()) as any;
    const files = (await (await request(`/v1/tasks/${task.id}/files`)).json()) as any;
    const session = await request(`/v1/tasks/${task.id}/session`);
    const list = (await (await request("/v1/tasks?status=completed&limit=1")).json()) as any;

    expect(created.status).toBe(201);
    expect(done).toMatchObject({ attempt: 1, cost_usd: 0.0123, result: expect.any(String) });
    expect(logs.data.filter((e: any) => e.type === "status").map((e: any) => e.payload.to)).toEqual([
      "pending",
      "queued",
      "running",
      "completed",
    ]);
    expect(logs.data.map((e: any) => e.seq)).toEqual(logs.data.map((_: unknown, i: number) => i + 1));
    expect(files.data).toHaveLength(1);
    expect(session.status).toBe(200);
    expect(list.data.map((t: any) => t.id)).toEqual([task.id]);
  });

  it("cancels a running task", async () => {
    const created = await request("/v1/tasks", {
      method: "POST",
      body: JSON.stringify({ repository_url: "/srv/git/hello", prompt: "Run forever" }),
    });
    const task = (await created.json()) as any;
    await executor.started(2);

    const cancel = await request(`/v1/tasks/${task.id}/cancel`, { method: "POST" });
    await waitFor(() => executor.abortReasons.length > 0, { timeoutMs: 5_000 });

    expect(cancel.status).toBe(200);
    expect(executor.abortReasons[0]).toMatchObject({ code: "cancelled" });
    expect(
      (await (await request(`/v1/tasks/${task.id}/cancel`, { method: "POST" })).json()) as any,
    ).toMatchObject({
      error: { code: "conflict" },
    });
  });

  it("answers /health with both components up", async () => {
    const health = await fetch(`${server.url}/health`);

    expect(health.status).toBe(200);
  });
});
