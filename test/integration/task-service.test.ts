import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRedactor } from "../../src/security/redact.ts";
import { createTaskEventBus, type LiveTaskEvent, type TaskEventBus } from "../../src/tasks/task-event-bus.ts";
import { createTaskService, type TaskService } from "../../src/tasks/task.service.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { silentLogger, TEST_REDIS_URL, uniqueQueueName } from "../support/test-deps.ts";
import { defaultResult } from "../support/test-executor.ts";
import { waitFor } from "../support/wait-for.ts";

const SECRET = "super-secret-service-value-123";
let database: TestDatabase;
let redis: Redis;
let bus: TaskEventBus;
let tasks: TaskService;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = new Redis(TEST_REDIS_URL);
  const log = silentLogger();
  bus = createTaskEventBus({
    redis,
    createSubscriber: () => new Redis(TEST_REDIS_URL),
    prefix: uniqueQueueName("bus"),
    log,
  });
  tasks = createTaskService({ db: database.db, redactor: createRedactor([SECRET]), eventBus: bus, log });
});
afterAll(async () => {
  await bus?.close();
  redis?.disconnect();
  await database?.destroy();
});
beforeEach(async () => {
  await database.truncate();
});

const newTask = (overrides: Record<string, unknown> = {}) =>
  tasks.createTask({
    source: "api",
    repository_url: "https://github.com/octo/hello.git",
    prompt: "p",
    ...overrides,
  });

describe("state machine", () => {
  it("refuses illegal transitions and records each legal one as a status event", async () => {
    const task = await newTask();

    expect(await tasks.transition(task.id, "completed")).toBeUndefined();
    expect((await tasks.transition(task.id, "queued"))?.status).toBe("queued");
    expect(await tasks.transition(task.id, "queued")).toBeUndefined();
    expect((await tasks.transition(task.id, "cancelled", { reason: "stop" }))?.status).toBe("cancelled");
    expect(await tasks.transition(task.id, "running")).toBeUndefined();
    expect(await tasks.transition(task.id, "failed")).toBeUndefined();

    const events = await tasks.listEvents(task.id, 0, 100);
    expect(events.map((e) => e.payload)).toEqual([
      { from: null, to: "pending" },
      { from: "pending", to: "queued" },
      { from: "queued", to: "cancelled", reason: "stop" },
    ]);
    const row = await tasks.requireTask(task.id);
    expect(row.finished_at).not.toBeNull();
    expect(row.queued_at).not.toBeNull();
  });

  it("honours a narrowed from-set and the attempt fence", async () => {
    const task = await newTask({ status: "queued" });
    const claimed = await tasks.claimAttempt(task.id);

    expect(await tasks.transition(task.id, "completed", { from: ["queued"] })).toBeUndefined();
    expect(await tasks.transition(task.id, "completed", { attempt: 99 })).toBeUndefined();
    expect((await tasks.transition(task.id, "completed", { attempt: claimed!.attempt }))?.status).toBe(
      "completed",
    );
  });

  it("lets exactly one of many concurrent transitions win", async () => {
    const task = await newTask({ status: "queued" });

    const results = await Promise.all(
      Array.from({ length: 10 }, () => tasks.transition(task.id, "cancelled")),
    );

    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    const statusEvents = (await tasks.listEvents(task.id, 0, 100)).filter((e) => e.type === "status");
    expect(statusEvents.map((e) => e.payload.to)).toEqual(["pending", "queued", "cancelled"]);
  });

  it("throws not_found for an unknown task", async () => {
    await expect(tasks.requireTask("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await tasks.transition("00000000-0000-4000-8000-000000000000", "queued")).toBeUndefined();
  });
});

describe("attempts and fencing", () => {
  it("claims increasing attempts; an ended task cannot be claimed", async () => {
    const task = await newTask({ status: "queued" });

    const first = await tasks.claimAttempt(task.id, "w1");
    const second = await tasks.claimAttempt(task.id, "w2");
    await tasks.transition(task.id, "failed", { attempt: 2 });
    const third = await tasks.claimAttempt(task.id, "w3");

    expect([first?.attempt, second?.attempt]).toEqual([1, 2]);
    expect(first?.previousStatus).toBe("queued");
    expect(second?.previousStatus).toBe("running");
    expect(third).toBeUndefined();
    const types = (await tasks.listEvents(task.id, 0, 100)).map(
      (e) => `${e.type}:${JSON.stringify(e.payload)}`,
    );
    expect(types).toContain('attempt:{"worker":"w2","attempt":2}');
  });

  it("fences events, field updates and artifacts on the current attempt", async () => {
    const task = await newTask({ status: "queued" });
    await tasks.claimAttempt(task.id);
    await tasks.claimAttempt(task.id);

    const staleEvent = await tasks.appendEvent(
      task.id,
      { type: "log", payload: { stream: "stdout", line: "x" } },
      { attempt: 1 },
    );
    const freshEvent = await tasks.appendEvent(
      task.id,
      { type: "log", payload: { stream: "stdout", line: "y" } },
      { attempt: 2 },
    );

    expect(staleEvent).toBeUndefined();
    expect(freshEvent).toBeGreaterThan(0);
    expect(await tasks.updateIfAttempt(task.id, 1, { sandbox_id: "old" })).toBe(false);
    expect(await tasks.updateIfAttempt(task.id, 2, { sandbox_id: "new" })).toBe(true);
    expect(await tasks.holdsAttempt(task.id, 1)).toBe(false);
    expect(await tasks.holdsAttempt(task.id, 2)).toBe(true);
    expect(await tasks.saveArtifacts(task.id, 1, defaultResult.files, defaultResult.session)).toBe(false);
    expect(await tasks.listFiles(task.id)).toEqual([]);
    expect(await tasks.saveArtifacts(task.id, 2, defaultResult.files, defaultResult.session)).toBe(true);
    expect((await tasks.requireTask(task.id)).sandbox_id).toBe("new");

    await tasks.transition(task.id, "cancelled");
    expect(await tasks.updateIfAttempt(task.id, 2, { sandbox_id: "after-cancel" })).toBe(false);
  });

  it("replaces a previous attempt's files and keeps the session when the new attempt has none", async () => {
    const task = await newTask({ status: "queued" });
    await tasks.claimAttempt(task.id);
    await tasks.saveArtifacts(task.id, 1, defaultResult.files, defaultResult.session);
    await tasks.claimAttempt(task.id);

    await tasks.saveArtifacts(
      task.id,
      2,
      [{ path: "b.ts", change: "added", additions: 1, deletions: 0, diff: "+b" }],
      null,
    );

    expect((await tasks.listFiles(task.id)).map((f) => f.path)).toEqual(["b.ts"]);
    expect((await tasks.getSession(task.id))?.relativePath).toBe("-workspace/session-test-1.jsonl");
  });
});

describe("event log", () => {
  it("gives 50 concurrent appends distinct, gap-free seqs", async () => {
    const task = await newTask();

    const seqs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        tasks.appendEvent(task.id, { type: "log", payload: { stream: "stdout", line: `${i}` } }),
      ),
    );

    expect([...seqs].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect((await tasks.requireTask(task.id)).last_event_seq).toBe(51);
  });

  it("redacts secrets in event payloads, prompts and stored results", async () => {
    const task = await newTask({ prompt: `use ${SECRET}` });
    await tasks.appendEvent(task.id, { type: "assistant_text", payload: { text: `the key is ${SECRET}` } });
    await tasks.transition(task.id, "failed", { fields: { error_message: `failed with ${SECRET}` } });

    const stored = JSON.stringify(await database.db.selectFrom("tasks").selectAll().execute());
    const events = JSON.stringify(await database.db.selectFrom("task_events").selectAll().execute());

    expect(stored).not.toContain(SECRET);
    expect(events).not.toContain(SECRET);
    expect(events).toContain("[REDACTED]");
  });

  it("refuses an event that does not match its schema", async () => {
    const task = await newTask();

    await expect(
      tasks.appendEvent(task.id, { type: "log", payload: { stream: "nope", line: 1 } } as never),
    ).rejects.toThrow();
  });

  it("publishes stored events to subscribers in other connections", async () => {
    const task = await newTask();
    const received: LiveTaskEvent[] = [];
    const statuses: LiveTaskEvent[] = [];
    const unsubscribe = await bus.subscribe(task.id, (event) => received.push(event));
    const unsubscribeStatus = await bus.subscribeStatus((event) => statuses.push(event));

    const seq = await tasks.appendEvent(task.id, { type: "assistant_text", payload: { text: "hello" } });
    await tasks.transition(task.id, "queued");
    await waitFor(() => received.length >= 2 && statuses.length >= 1);
    await unsubscribe();
    await unsubscribeStatus();
    await tasks.appendEvent(task.id, { type: "assistant_text", payload: { text: "after" } });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(received.map((e) => [e.seq, e.type])).toEqual([
      [seq, "assistant_text"],
      [seq! + 1, "status"],
    ]);
    expect(statuses.map((e) => e.payload.to)).toEqual(["queued"]);
  });
});

describe("listing", () => {
  it("pages through tasks sharing one created_at without skipping or repeating", async () => {
    const at = new Date("2026-11-23T12:00:00Z");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await newTask({ created_at: at })).id);

    const first = await tasks.listTasks({ limit: 2 });
    const second = await tasks.listTasks({ limit: 2, cursor: first.nextCursor! });
    const third = await tasks.listTasks({ limit: 2, cursor: second.nextCursor! });

    const seen = [...first.tasks, ...second.tasks, ...third.tasks].map((t) => t.id);
    expect(seen).toEqual([...ids].sort().reverse());
    expect(third.nextCursor).toBeNull();
  });

  it("pages through tasks created within one millisecond (microsecond created_at)", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await newTask()).id);
    // Four distinct microsecond times inside one millisecond, newest first in the order of ids.
    for (const [i, id] of ids.entries()) {
      await database.db
        .updateTable("tasks")
        .set({ created_at: `2026-11-23T13:00:00.123${9 - i}00Z` })
        .where("id", "=", id)
        .execute();
    }

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 6; page++) {
      const result = await tasks.listTasks({ limit: 1, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...result.tasks.map((t) => t.id).filter((id) => ids.includes(id)));
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }

    expect(seen).toEqual(ids);
  });

  it.each(["", "abc", Buffer.from("2026-01-01|x").toString("base64url")])(
    "refuses cursor %j",
    async (cursor) => {
      await expect(tasks.listTasks({ limit: 2, cursor })).rejects.toMatchObject({
        code: "validation_failed",
      });
    },
  );
});

describe("sandboxes", () => {
  it("records sandboxes and lists the live ones with their task", async () => {
    const task = await newTask({ status: "queued" });
    await tasks.recordSandbox({ id: "sbx-1", provider: "local", taskId: task.id, attempt: 1 });
    await tasks.recordSandbox({ id: "sbx-1", provider: "local", taskId: task.id, attempt: 1 });
    await tasks.recordSandbox({ id: "sbx-2", provider: "local", taskId: task.id, attempt: 2 });

    await tasks.markSandboxDestroyed("sbx-1");

    const live = await tasks.listLiveSandboxes({ taskId: task.id });
    expect(live).toEqual([
      {
        id: "sbx-2",
        provider: "local",
        task_id: task.id,
        attempt: 2,
        task_status: "queued",
        task_attempt: 0,
      },
    ]);
    expect(await tasks.listLiveSandboxes({ createdBefore: new Date(Date.now() - 60_000) })).toEqual([]);
  });
});

describe("deleteTask", () => {
  it("removes the task with its events", async () => {
    const task = await newTask();

    expect(await tasks.deleteTask(task.id)).toBe(true);
    expect(await tasks.getTask(task.id)).toBeUndefined();
    expect(await database.db.selectFrom("task_events").selectAll().execute()).toEqual([]);
    expect(await tasks.deleteTask(task.id)).toBe(false);
  });
});
