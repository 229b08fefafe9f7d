import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TaskReporter } from "../../src/execution/executor.ts";
import type { TaskStatus } from "../../src/tasks/task.table.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { startTestApp, type TestApp } from "../support/test-deps.ts";
import { createTestExecutor, type ScriptedAttempt, type TestExecutor } from "../support/test-executor.ts";
import { waitFor } from "../support/wait-for.ts";

let database: TestDatabase;
let app: TestApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});
beforeEach(async () => {
  await database.truncate();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Setup {
  executor: TestExecutor;
  calls: string[];
}

async function setup(
  script: ScriptedAttempt[],
  options: { attempts?: number; backoffMs?: number; reporter?: TaskReporter } = {},
): Promise<Setup> {
  const executor = createTestExecutor(script);
  const calls: string[] = [];
  const record = (entry: string) => {
    calls.push(entry);
    return Promise.resolve();
  };
  const recorder: TaskReporter = {
    onStarted: (_task, attempt) => record(`started:${attempt}`),
    onEvent: (_task, _attempt, event) => record(`event:${event.type}`),
    onSucceeded: (_task, attempt) => record(`succeeded:${attempt}`),
    onRetrying: (task, attempt, error) => record(`retrying:${attempt}:${error.code}:${task.status}`),
    onFinished: (task, attempt) => record(`finished:${attempt}:${task.status}`),
  };
  app = await startTestApp(database, {
    executor,
    reporters: options.reporter === undefined ? [recorder] : [options.reporter, recorder],
    retry: { attempts: options.attempts ?? 3, backoffMs: options.backoffMs ?? 100 },
  });
  return { executor, calls };
}

async function submit(options: Record<string, unknown> = {}) {
  return app!.deps.submitTask({
    source: "api",
    repository_url: "https://github.com/octo/hello.git",
    prompt: "Fix the flaky date test",
    options,
  });
}

async function waitForStatus(id: string, statuses: TaskStatus[], timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const task = await app!.deps.tasks.getTask(id);
      return task !== undefined && statuses.includes(task.status) ? task : undefined;
    },
    { timeoutMs, message: `task ${id} to reach ${statuses.join("|")}` },
  );
}

async function statusTrail(id: string) {
  const events = await app!.deps.tasks.listEvents(id, 0, 1000);
  return events.filter((event) => event.type === "status").map((event) => event.payload.to);
}

describe("worker: success", () => {
  it("moves pending → queued → running → completed, stores the result, files and session, and reports in order", async () => {
    const { executor, calls } = await setup([{ kind: "succeed" }]);
    const task = await submit();
    app!.startWorker();

    const done = await waitForStatus(task.id, ["completed", "failed"]);

    expect(done).toMatchObject({
      status: "completed",
      attempt: 1,
      result: "Fixed the flaky date test (test double).",
      cost_usd: 0.0123,
      num_turns: 3,
      duration_ms: 1234,
      agent_session_id: "session-test-1",
      commit_sha: "0123456789abcdef0123456789abcdef01234567",
      work_branch: "cloud-agent/test-branch",
      error_code: null,
    });
    expect(done.started_at).not.toBeNull();
    expect(done.finished_at).not.toBeNull();
    expect(await statusTrail(task.id)).toEqual(["pending", "queued", "running", "completed"]);
    expect(await app!.deps.tasks.listFiles(task.id)).toHaveLength(1);
    expect((await app!.deps.tasks.getSession(task.id))?.sessionId).toBe("session-test-1");
    expect(executor.calls).toHaveLength(1);
    expect(executor.calls[0]!.attempt).toBe(1);
    await waitFor(() => calls.includes("finished:1:completed"));
    expect(calls).toEqual([
      "started:1",
      "event:step",
      "event:assistant_text",
      "succeeded:1",
      "finished:1:completed",
    ]);
  });

  it("runs a task once when it is enqueued twice (job id = task id)", async () => {
    const { executor } = await setup([{ kind: "succeed" }]);
    const task = await submit();
    await app!.deps.queue.enqueue(task.id);
    await app!.deps.enqueueTask(task.id);

    app!.startWorker();
    await waitForStatus(task.id, ["completed"]);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(executor.calls).toHaveLength(1);
    expect(await app!.deps.queue.queue.getJobCountByTypes("waiting", "delayed", "active")).toBe(0);
  });

  it("queues a held (pending) task later, after the requested delay", async () => {
    const { executor } = await setup([{ kind: "succeed" }]);
    const held = await app!.deps.tasks.createTask({
      source: "api",
      repository_url: "https://github.com/octo/hello.git",
      prompt: "later",
    });
    app!.startWorker();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(executor.calls).toHaveLength(0);

    const started = Date.now();
    const queued = await app!.deps.enqueueTask(held.id, { delayMs: 400 });
    await waitForStatus(held.id, ["completed"]);

    expect(queued?.status).toBe("queued");
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});

describe("worker: failures and retries", () => {
  it("retries a retryable failure with growing backoff and completes on the third attempt", async () => {
    const { executor, calls } = await setup(
      [
        { kind: "fail", retryable: true },
        { kind: "throw", error: new Error("socket hang up") },
        { kind: "succeed" },
      ],
      { backoffMs: 300 },
    );
    const task = await submit();
    app!.startWorker();

    const done = await waitForStatus(task.id, ["completed", "failed"]);

    expect(done.status).toBe("completed");
    expect(done.attempt).toBe(3);
    expect(executor.calls.map((call) => call.attempt)).toEqual([1, 2, 3]);
    const events = await app!.deps.tasks.listEvents(task.id, 0, 1000);
    const attemptTimes = events.filter((e) => e.type === "attempt").map((e) => Date.parse(e.created_at));
    const errorTimes = events.filter((e) => e.type === "error").map((e) => Date.parse(e.created_at));
    // Exponential backoff with up to 50% jitter: ≥ 150 ms, then ≥ 300 ms.
    expect(attemptTimes[1]! - errorTimes[0]!).toBeGreaterThanOrEqual(140);
    expect(attemptTimes[2]! - errorTimes[1]!).toBeGreaterThanOrEqual(290);
    expect(await statusTrail(task.id)).toEqual([
      "pending",
      "queued",
      "running",
      "queued",
      "running",
      "queued",
      "running",
      "completed",
    ]);
    expect(calls.filter((c) => c.startsWith("retrying"))).toEqual([
      "retrying:1:agent_failed:queued",
      "retrying:2:internal_error:queued",
    ]);
    const errors = events.filter((e) => e.type === "error").map((e) => e.payload);
    expect(errors[1]).toMatchObject({
      code: "internal_error",
      message: "Unexpected error: socket hang up",
      retryable: true,
    });
  });

  it("marks the task failed with code, message and step after the final attempt", async () => {
    const { executor, calls } = await setup(
      [
        {
          kind: "fail",
          retryable: true,
          code: "clone_failed",
          step: "clone",
          message: "Repository not found",
        },
      ],
      {
        attempts: 2,
        backoffMs: 50,
      },
    );
    const task = await submit();
    app!.startWorker();

    const done = await waitForStatus(task.id, ["failed"]);

    expect(executor.calls).toHaveLength(2);
    expect(done).toMatchObject({
      status: "failed",
      attempt: 2,
      error_code: "clone_failed",
      error_message: "Repository not found",
      error_step: "clone",
    });
    const errors = (await app!.deps.tasks.listEvents(task.id, 0, 100)).filter((e) => e.type === "error");
    expect(errors.map((e) => e.payload.retryable)).toEqual([true, false]);
    await waitFor(() => calls.includes("finished:2:failed"));
    const job = await app!.deps.queue.queue.getJob(task.id);
    expect(await job?.getState()).toBe("failed");
  });

  it("fails at once on an error retrying cannot fix", async () => {
    const { executor } = await setup([{ kind: "fail", retryable: false, message: "No credentials" }]);
    const task = await submit();
    app!.startWorker();

    const done = await waitForStatus(task.id, ["failed"]);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(executor.calls).toHaveLength(1);
    expect(done).toMatchObject({ attempt: 1, error_code: "agent_failed", error_message: "No credentials" });
  });

  it("fails the attempt when a reporter's onSucceeded throws (e.g. the PR could not be opened)", async () => {
    let failures = 1;
    const { executor } = await setup([{ kind: "succeed" }], {
      reporter: {
        onSucceeded: () =>
          failures-- > 0 ? Promise.reject(new Error("PR creation failed")) : Promise.resolve(),
      },
    });
    const task = await submit();
    app!.startWorker();

    const done = await waitForStatus(task.id, ["completed", "failed"]);

    expect(done.status).toBe("completed");
    expect(executor.calls).toHaveLength(2);
  });

  it("redacts secrets from error messages before they are stored", async () => {
    const token = "ghs_abcdefghijklmnopqrstuvwxyz0123456789";
    await setup([
      {
        kind: "fail",
        retryable: false,
        message: `push failed for https://x-access-token:${token}@github.com/a/b`,
      },
    ]);
    const task = await submit();
    app!.startWorker();

    const done = await waitForStatus(task.id, ["failed"]);
    const events = JSON.stringify(await app!.deps.tasks.listEvents(task.id, 0, 100));

    expect(done.error_message).not.toContain(token);
    expect(events).not.toContain(token);
    expect(done.error_message).toContain("[REDACTED]");
  });
});

describe("worker: cancel, timeout, takeover, shutdown", () => {
  it("cancels a running task: the executor is aborted within 5 s and the task ends cancelled, not retried", async () => {
    const { executor, calls } = await setup([{ kind: "hang" }]);
    const task = await submit();
    app!.startWorker({ pollMs: 60_000 });
    await executor.started(1);

    const response = await app!.request(`/v1/tasks/${task.id}/cancel`, { method: "POST" });
    const cancelledAt = Date.now();
    await waitFor(() => executor.abortReasons.length > 0, { timeoutMs: 5_000 });

    expect(response.status).toBe(200);
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
    expect(executor.abortReasons[0]).toMatchObject({ code: "cancelled", details: { abort: "cancelled" } });
    await waitFor(() => calls.includes("finished:1:cancelled"));
    const final = await app!.deps.tasks.requireTask(task.id);
    expect(final).toMatchObject({ status: "cancelled", error_code: "cancelled" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(executor.calls).toHaveLength(1);
  });

  it("notices a cancel by polling the row when no bus message arrives", async () => {
    const { executor } = await setup([{ kind: "hang" }]);
    const task = await submit();
    app!.startWorker({ pollMs: 200 });
    await executor.started(1);

    // Straight in Postgres, bypassing the service (and so the bus).
    await database.db.updateTable("tasks").set({ status: "cancelled" }).where("id", "=", task.id).execute();
    await waitFor(() => executor.abortReasons.length > 0, { timeoutMs: 5_000 });

    expect(executor.abortReasons[0]).toMatchObject({ code: "cancelled" });
  });

  it("never runs a task cancelled while queued", async () => {
    const { executor } = await setup([{ kind: "succeed" }]);
    const task = await submit();
    await app!.deps.cancelTask(task.id);
    // Even a job that was not removed (re-added here) is skipped: Postgres says cancelled.
    await app!.deps.queue.enqueue(task.id);
    app!.startWorker();
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(executor.calls).toHaveLength(0);
    expect((await app!.deps.tasks.requireTask(task.id)).status).toBe("cancelled");
  });

  it("fails a task that runs past its time limit, without retrying it", async () => {
    const { executor } = await setup([{ kind: "hang" }]);
    const task = await submit({ timeout_seconds: 1 });
    app!.startWorker();

    const done = await waitForStatus(task.id, ["failed"]);

    expect(done).toMatchObject({ error_code: "timeout", attempt: 1 });
    expect(executor.abortReasons[0]).toMatchObject({ code: "timeout" });
    expect(executor.calls).toHaveLength(1);
  });

  it("aborts an attempt whose task was taken over by a newer attempt, and leaves the task alone", async () => {
    const { executor } = await setup([{ kind: "hang" }]);
    const task = await submit();
    app!.startWorker({ pollMs: 200 });
    const context = await executor.started(1);

    // Another worker claims the task (what happens after a stall): attempt 2 now holds it.
    const takeover = await app!.deps.tasks.claimAttempt(task.id, "other-worker");
    await waitFor(() => executor.abortReasons.length > 0, { timeoutMs: 5_000 });

    expect(takeover?.attempt).toBe(2);
    expect(executor.abortReasons[0]).toMatchObject({ code: "lost_lock" });
    await expect(
      context.emit({ type: "log", payload: { stream: "stdout", line: "late" } }),
    ).rejects.toMatchObject({
      code: "lost_lock",
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const row = await app!.deps.tasks.requireTask(task.id);
    expect(row).toMatchObject({ status: "running", attempt: 2, error_code: null });
    const lines = (await app!.deps.tasks.listEvents(task.id, 0, 100)).filter((e) => e.type === "log");
    expect(lines).toHaveLength(0);
  });

  it("on shutdown, aborts running attempts after the grace period and requeues them without spending an attempt", async () => {
    const { executor } = await setup([{ kind: "hang" }, { kind: "succeed" }], { attempts: 1 });
    const task = await submit();
    const first = app!.startWorker();
    await executor.started(1);

    await first.close(200);

    expect(executor.abortReasons[0]).toMatchObject({ details: { abort: "shutdown" } });
    expect((await app!.deps.tasks.requireTask(task.id)).status).toBe("queued");
    app!.startWorker();
    const done = await waitForStatus(task.id, ["completed", "failed"]);
    expect(done).toMatchObject({ status: "completed", attempt: 2 });
  });
});
