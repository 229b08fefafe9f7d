import type { ExecutionResult } from "../src/execution/executor.ts";
import { createDeps } from "../src/deps.ts";
import { startTaskWorker } from "../src/queue/start-task-worker.ts";
import { submitTask } from "../src/queue/submit-task.ts";
import { createTestDatabase } from "../test/support/test-db.ts";
import { createTestConfig, silentLogger, uniqueQueueName } from "../test/support/test-deps.ts";
import { latencyFigure, reportFigures } from "./support/bench-report.ts";

/**
 * Queue handoff: a task is created (row + BullMQ job, what a 201 stands for) and an idle worker
 * (the production worker: startTaskWorker, WORKER_CONCURRENCY 2) picks it up. Measured per task,
 * one at a time, in one process (one clock):
 *   - job added → worker has the job active (BullMQ's own handoff: the blocked BZPOPMIN wakes, then
 *     moveToActive)
 *   - task created → attempt claimed: submitTask returned (the 201 moment) → the worker's claim
 *     committed (status running, attempt + 1): the task is picked up as its API and pages show it
 *   - create call → executor started (adds the insert, the job add, the claim and the cancel
 *     subscription)
 * Goal: handoff p99 < 20 ms.
 *   node bench/queue-handoff.ts         (BENCH_TASKS to change the count)
 */
const TASKS = Number(process.env.BENCH_TASKS ?? 1000);
const WARMUP = 50;

const result: ExecutionResult = {
  outcome: "no_changes",
  summary: null,
  costUsd: null,
  numTurns: null,
  durationMs: null,
  sessionId: null,
  baseBranch: null,
  workBranch: null,
  commitSha: null,
  files: [],
  session: null,
};

const database = await createTestDatabase();
const config = createTestConfig({ DATABASE_URL: database.url });
const started = new Map<string, (at: number) => void>();
const deps = createDeps(config, {
  log: silentLogger(),
  queueName: uniqueQueueName("bench-queue"),
  executor: {
    execute(context) {
      started.get(context.task.id)?.(performance.now());
      return Promise.resolve(result);
    },
  },
});
const claimed = new Map<string, number>();
const claimAttempt = deps.tasks.claimAttempt.bind(deps.tasks);
deps.tasks.claimAttempt = async (id, workerId) => {
  const claim = await claimAttempt(id, workerId);
  claimed.set(id, performance.now());
  return claim;
};
const worker = startTaskWorker(deps, { concurrency: 2 });
const active = new Map<string, number>();
worker.worker.on("active", (job) => active.set(job.id ?? "", performance.now()));
await worker.worker.waitUntilReady();

let addedAt = 0;
const queue = {
  enqueue: (taskId: string) => {
    addedAt = performance.now();
    return deps.queue.enqueue(taskId);
  },
};

async function once(): Promise<{ handoff: number; createdToClaimed: number; createToStart: number }> {
  const id = crypto.randomUUID();
  const executorStarted = new Promise<number>((resolve) => started.set(id, resolve));
  const t0 = performance.now();
  await submitTask(
    { tasks: deps.tasks, queue, log: deps.log },
    {
      id,
      source: "api",
      repository_url: "https://github.com/octo/hello.git",
      prompt: "bench",
    },
  );
  const createdAt = performance.now();
  const startedAt = await executorStarted;
  started.delete(id);
  const activeAt = active.get(id) ?? Number.NaN;
  const claimedAt = claimed.get(id) ?? Number.NaN;
  active.delete(id);
  claimed.delete(id);
  return {
    handoff: activeAt - addedAt,
    // A worker may claim before submitTask's own await resumes: that is a handoff of 0.
    createdToClaimed: Math.max(0, claimedAt - createdAt),
    createToStart: startedAt - t0,
  };
}

try {
  for (let i = 0; i < WARMUP; i++) await once();
  const handoffs: number[] = [];
  const createdToClaimed: number[] = [];
  const createToStart: number[] = [];
  for (let i = 0; i < TASKS; i++) {
    const sample = await once();
    handoffs.push(sample.handoff);
    createdToClaimed.push(sample.createdToClaimed);
    createToStart.push(sample.createToStart);
  }
  reportFigures([
    latencyFigure("queue handoff: job added → worker picked it up", handoffs, "p99 < 20 ms"),
    latencyFigure("queue handoff: task created → attempt claimed (running)", createdToClaimed, "p99 < 20 ms"),
    latencyFigure("queue handoff: create call → executor started", createToStart),
  ]);
} finally {
  await worker.close(1_000);
  await deps.queue.queue.obliterate({ force: true }).catch(() => undefined);
  await deps.close();
  await database.destroy();
}
