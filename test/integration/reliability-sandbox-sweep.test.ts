import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../src/observability/metrics.ts";
import { recordSandboxes } from "../../src/reliability/record-sandboxes.ts";
import { withRedisLock } from "../../src/reliability/redis-lock.ts";
import { sweepSandboxes } from "../../src/reliability/sweep-sandboxes.ts";
import { createLocalSandboxProvider, type LocalSandboxProvider } from "../../src/sandbox/local-sandbox.ts";
import * as repo from "../../src/tasks/task.repository.ts";
import type { TaskStatus } from "../../src/tasks/task.table.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

// Real PostgreSQL (sandbox records), the real local sandbox provider, real Redis (the lock).
const log = pino({ level: "silent" });

describe("sweepSandboxes", () => {
  let database: TestDatabase;
  let root: string;
  let provider: LocalSandboxProvider;

  beforeAll(async () => {
    database = await createTestDatabase();
    root = await mkdtemp(join(tmpdir(), "sweep-"));
    provider = createLocalSandboxProvider({ root, log });
  });
  afterAll(async () => {
    await provider.close();
    await database.destroy();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => database.truncate());

  async function taskWith(status: TaskStatus, attempt: number): Promise<string> {
    const id = randomUUID();
    await database.db
      .insertInto("tasks")
      .values({
        id,
        repository_url: "https://example.com/r.git",
        prompt: "p",
        status,
        source: "api",
        options: {},
        attempt,
      })
      .execute();
    return id;
  }

  async function sandboxFor(taskId: string | null, attempt: number, ageMs: number): Promise<string> {
    const sandbox = await provider.create({ taskId: taskId ?? "gone", timeoutMs: 60_000, allowedHosts: [] });
    await database.db
      .insertInto("sandboxes")
      .values({
        id: sandbox.id,
        provider: "local",
        task_id: taskId,
        attempt,
        created_at: new Date(Date.now() - ageMs),
      })
      .execute();
    return sandbox.id;
  }

  const deps = () => ({
    tasks: {
      listLiveSandboxes: (filter?: { taskId?: string; createdBefore?: Date }) =>
        repo.selectLiveSandboxes(database.db, filter),
      markSandboxDestroyed: (id: string) => repo.updateSandboxDestroyed(database.db, id),
    },
    sandboxes: provider,
    log,
  });

  it("destroys sandboxes of finished tasks and superseded attempts, and keeps live ones", async () => {
    const running = await taskWith("running", 2);
    const live = await sandboxFor(running, 2, 10 * 60_000);
    const superseded = await sandboxFor(running, 1, 10 * 60_000);
    const finished = await sandboxFor(await taskWith("completed", 1), 1, 10 * 60_000);
    const failed = await sandboxFor(await taskWith("failed", 3), 3, 10 * 60_000);
    const retrying = await sandboxFor(await taskWith("queued", 1), 1, 10 * 60_000);
    const orphan = await sandboxFor(null, 1, 10 * 60_000);
    const young = await sandboxFor(await taskWith("completed", 1), 1, 0);
    const metrics = createMetrics({ defaultMetrics: false });

    const result = await sweepSandboxes({ ...deps(), metrics }, { minAgeMs: 60_000 });

    expect(result.destroyed.sort()).toEqual([superseded, finished, failed, retrying, orphan].sort());
    expect(result.failed).toEqual([]);
    for (const id of result.destroyed) expect(existsSync(join(root, id))).toBe(false);
    expect(existsSync(join(root, live))).toBe(true);
    expect(existsSync(join(root, young))).toBe(true);
    const left = await repo.selectLiveSandboxes(database.db);
    expect(left.map((sandbox) => sandbox.id).sort()).toEqual([live, young].sort());
    expect(await metrics.registry.metrics()).toContain("cloud_agent_sandboxes_swept_total 5");
  });

  it("leaves other providers' sandboxes and keeps going when one destroy fails", async () => {
    const done = await taskWith("completed", 1);
    await database.db
      .insertInto("sandboxes")
      .values({ id: "novita-abc", provider: "novita", task_id: done, attempt: 1, created_at: new Date(0) })
      .execute();
    const first = await sandboxFor(done, 1, 10 * 60_000);
    const second = await sandboxFor(done, 1, 10 * 60_000);
    const flaky = {
      ...provider,
      name: "local" as const,
      create: provider.create.bind(provider),
      destroyById: (id: string) =>
        id === first ? Promise.reject(new Error("EBUSY")) : provider.destroyById(id),
    };

    const result = await sweepSandboxes({ ...deps(), sandboxes: flaky }, { minAgeMs: 0 });

    expect(result).toEqual({ destroyed: [second], failed: [first] });
    const left = await repo.selectLiveSandboxes(database.db);
    expect(left.map((sandbox) => sandbox.id).sort()).toEqual([first, "novita-abc"].sort());
  });
});

describe("recordSandboxes", () => {
  let database: TestDatabase;
  let root: string;
  let provider: LocalSandboxProvider;

  beforeAll(async () => {
    database = await createTestDatabase();
    root = await mkdtemp(join(tmpdir(), "records-"));
    provider = createLocalSandboxProvider({ root, log });
  });
  afterAll(async () => {
    await provider.close();
    await database.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it("records each attempt's sandbox, destroys the earlier attempt's on retry, and records destroys", async () => {
    const id = randomUUID();
    await database.db
      .insertInto("tasks")
      .values({
        id,
        repository_url: "https://example.com/r.git",
        prompt: "p",
        status: "running",
        source: "api",
        options: {},
        attempt: 1,
      })
      .execute();
    const metrics = createMetrics({ defaultMetrics: false });
    const recorded = recordSandboxes(provider, {
      tasks: {
        getTask: (taskId) => repo.selectTask(database.db, taskId),
        recordSandbox: (sandbox) => repo.insertSandbox(database.db, sandbox),
        markSandboxDestroyed: (sandboxId) => repo.updateSandboxDestroyed(database.db, sandboxId),
        listLiveSandboxes: (filter) => repo.selectLiveSandboxes(database.db, filter),
      },
      log,
      metrics,
    });

    const first = await recorded.create({ taskId: id, timeoutMs: 60_000, allowedHosts: [] });
    await database.db.updateTable("tasks").set({ attempt: 2 }).where("id", "=", id).execute();
    const second = await recorded.create({ taskId: id, timeoutMs: 60_000, allowedHosts: [] });
    const afterRetry = await database.db.selectFrom("sandboxes").selectAll().orderBy("attempt").execute();
    await second.destroy();
    const afterDestroy = await repo.selectLiveSandboxes(database.db, { taskId: id });

    expect(afterRetry.map((row) => [row.id, row.attempt, row.destroyed_at !== null])).toEqual([
      [first.id, 1, true],
      [second.id, 2, false],
    ]);
    expect(existsSync(join(root, first.id))).toBe(false);
    expect(afterDestroy).toEqual([]);
    expect(await metrics.registry.metrics()).toContain(
      'cloud_agent_sandbox_create_seconds_count{provider="local",outcome="ok"} 2',
    );
  });
});

describe("withRedisLock", () => {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
  afterAll(() => redis.disconnect());

  it("lets one of many concurrent callers run, and frees the lock afterwards", async () => {
    const key = `test:lock:${randomUUID()}`;
    let running = 0;
    let maxRunning = 0;
    const work = async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 100));
      running -= 1;
      return "done";
    };

    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => withRedisLock(redis, key, 5_000, work)),
    );
    const after = await withRedisLock(redis, key, 5_000, () => Promise.resolve("again"));

    expect(outcomes.filter((outcome) => outcome.ran)).toHaveLength(1);
    expect(maxRunning).toBe(1);
    expect(after).toEqual({ ran: true, result: "again" });
    expect(await redis.exists(key)).toBe(0);
  });

  it("does not free a lock that expired and was taken by another holder", async () => {
    const key = `test:lock:${randomUUID()}`;

    await withRedisLock(redis, key, 50, async () => {
      await new Promise((resolve) => setTimeout(resolve, 120));
      await redis.set(key, "someone-else", "PX", 5_000);
    });

    expect(await redis.get(key)).toBe("someone-else");
    await redis.del(key);
  });
});
