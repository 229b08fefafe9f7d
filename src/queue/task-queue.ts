import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import { withTimeout } from "./with-timeout.ts";

/** Job data: ids only. Secrets, prompts and repository URLs stay in Postgres. */
export const TaskJobData = z.object({ taskId: z.uuid() });
export type TaskJobData = z.infer<typeof TaskJobData>;

export interface RetryPolicy {
  /** Attempts per task, the first included. */
  readonly attempts: number;
  /** First retry delay; each next one doubles, with up to 50% jitter. */
  readonly backoffMs: number;
}

export interface TaskQueue {
  readonly name: string;
  readonly retry: RetryPolicy;
  /** The BullMQ queue (dashboards, metrics). */
  readonly queue: Queue<TaskJobData>;
  /** Adds the task's job (job id = task id, so adding twice is a no-op). */
  enqueue(taskId: string, options?: { delayMs?: number }): Promise<void>;
  /** Removes a job that is waiting or delayed; false if it is running, gone or never existed. */
  remove(taskId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface TaskQueueOptions {
  readonly name: string;
  /** The queue's own connection; enqueue refuses at once (after a short wait) while it is not ready. */
  readonly connection: Redis;
  readonly retry: RetryPolicy;
  readonly log: Logger;
  /** Longest wait for Redis to take a job. Default 5000. */
  readonly enqueueTimeoutMs?: number;
}

const READY_WAIT_MS = 1_000;

async function waitUntilReady(connection: Redis, ms: number): Promise<void> {
  if (connection.status === "ready") return;
  let onReady: (() => void) | undefined;
  try {
    await withTimeout(
      new Promise<void>((resolve) => {
        onReady = resolve;
        connection.once("ready", resolve);
      }),
      ms,
      `Redis connection is ${connection.status}`,
    );
  } finally {
    if (onReady !== undefined) connection.off("ready", onReady);
  }
}

export function createTaskQueue(options: TaskQueueOptions): TaskQueue {
  const queue = new Queue<TaskJobData>(options.name, {
    connection: options.connection,
    defaultJobOptions: {
      attempts: options.retry.attempts,
      backoff: { type: "exponential", delay: options.retry.backoffMs, jitter: 0.5 },
      // Postgres keeps the history; Redis keeps a little for dashboards.
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 5000 },
    },
  });
  queue.on("error", (error) => options.log.error({ err: error, queue: options.name }, "Queue error"));

  return {
    name: options.name,
    retry: options.retry,
    queue,
    async enqueue(taskId, enqueueOptions = {}) {
      // Fail fast while Redis is away (BullMQ would wait for the connection as long as it takes);
      // a connection that is still being set up gets a moment.
      await waitUntilReady(options.connection, READY_WAIT_MS);
      const adding = queue.add(
        "task",
        { taskId },
        {
          jobId: taskId,
          ...(enqueueOptions.delayMs === undefined ? {} : { delay: enqueueOptions.delayMs }),
        },
      );
      // A late add (Redis came back) is harmless: the worker finds no live task and skips the job.
      await withTimeout(adding, options.enqueueTimeoutMs ?? 5_000, "Adding the job to Redis timed out");
    },
    async remove(taskId) {
      if (options.connection.status !== "ready") return false;
      const removing = (async () => {
        const job = await queue.getJob(taskId);
        if (job === undefined) return false;
        const state = await job.getState();
        if (state !== "waiting" && state !== "delayed" && state !== "prioritized") return false;
        // remove() refuses a job a worker locked in the meantime; that one is cancelled by signal.
        return job.remove().then(
          () => true,
          () => false,
        );
      })();
      return withTimeout(removing, 2_000, "Removing the job timed out");
    },
    close: async () => {
      await withTimeout(queue.close(), 5_000, "Closing the queue timed out").catch(() => undefined);
      options.connection.disconnect();
    },
  };
}
