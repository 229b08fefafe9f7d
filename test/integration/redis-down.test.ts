import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { startTestApp, type TestApp } from "../support/test-deps.ts";
import { createTestExecutor } from "../support/test-executor.ts";

/** A port nothing listens on: bound once to learn a free number, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let database: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database, {
    executor: createTestExecutor([{ kind: "succeed" }]),
    env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` },
  });
});
afterAll(async () => {
  await app?.close();
  await database?.destroy();
});

describe("Redis unreachable", () => {
  it("answers POST /v1/tasks with 503 quickly and leaves no task behind", async () => {
    const started = Date.now();
    const response = await app.request("/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ repository_url: "https://github.com/octo/hello.git", prompt: "x" }),
    });

    expect(response.status).toBe(503);
    const body = (await response.json()) as any;
    expect(body.error.code).toBe("service_unavailable");
    expect(body.error.message).toMatch(/Redis/);
    expect(body.error.message).not.toMatch(/127\.0\.0\.1/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await database.db.selectFrom("tasks").select("id").execute()).toEqual([]);
  });

  it("reports redis down on /health with 503 while the database is fine", async () => {
    const response = await fetch(`${app.url}/health`);

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: "degraded",
      db: { ok: true },
      redis: { ok: false, latency_ms: null },
    });
  });

  it("still serves reads from PostgreSQL", async () => {
    const response = await app.request("/v1/tasks");

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [], next_cursor: null });
  });
});
