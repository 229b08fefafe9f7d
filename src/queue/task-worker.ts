import { hostname } from "node:os";
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { AttemptControl } from "./attempt-control.ts";
import { processTaskJob, type ProcessDeps } from "./process-task-job.ts";
import { TaskJobData } from "./task-queue.ts";

/**
 * Job lock settings: a worker renews its lock every 4 s; a SIGKILLed worker's lock expires within
 * 8 s and the stalled check (every 4 s) hands the job to another worker: a takeover within ~12 s.
 * Tasks last tens of minutes; the lock is renewed for as long as the process lives, so its length
 * bounds only how long a dead worker holds a task.
 */
export const LOCK_SETTINGS = {
  lockDuration: 8_000,
  stalledInterval: 4_000,
  /** A job whose worker died twice is failed (by the safety net below) rather than retried forever. */
  maxStalledCount: 2,
} as const;

export interface TaskWorkerOptions extends Omit<ProcessDeps, "workerId"> {
  readonly queueName: string;
  /** The worker's own connection (maxRetriesPerRequest: null); close() disconnects it. */
  readonly connection: Redis;
  readonly concurrency: number;
  readonly workerId?: string;
  readonly lockSettings?: Partial<typeof LOCK_SETTINGS>;
}

export interface TaskWorker {
  readonly worker: Worker<TaskJobData>;
  /** Stops taking jobs; running ones get `graceMs`, then are aborted and left to be retried. */
  close(graceMs: number): Promise<void>;
}

export function createTaskWorker(options: TaskWorkerOptions): TaskWorker {
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const deps: ProcessDeps = { ...options, workerId };
  const log = options.log.child({ worker: workerId, queue: options.queueName });
  const controls = new Map<string, AttemptControl>();

  async function processor(job: Job<TaskJobData>, token?: string, signal?: AbortSignal) {
    const { taskId } = TaskJobData.parse(job.data);
    const outcome = await processTaskJob(deps, {
      taskId,
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      ...(signal === undefined ? {} : { lockSignal: signal }),
      onControl: (control) =>
        control === undefined ? controls.delete(taskId) : controls.set(taskId, control),
    });
    switch (outcome.kind) {
      case "retry":
        throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
      case "fail":
        throw new UnrecoverableError(`${outcome.error.code}: ${outcome.error.message}`);
      case "requeue":
        // Shutdown: put the job back without spending an attempt.
        await job.moveToDelayed(Date.now() + 1000, token);
        throw new DelayedError();
      default:
        return outcome.kind;
    }
  }

  const worker = new Worker<TaskJobData>(options.queueName, processor, {
    connection: options.connection,
    concurrency: options.concurrency,
    ...LOCK_SETTINGS,
    ...options.lockSettings,
  });

  worker.on("error", (error) => log.error({ err: error }, "Worker error"));
  worker.on("lockRenewalFailed", (jobIds) => {
    for (const id of jobIds) controls.get(id)?.abort("lost_lock");
  });
  worker.on("failed", (job, error) => {
    if (job === undefined) return;
    // Safety net for failures the processor never saw (stalled too often): end the task honestly.
    const exhausted =
      job.attemptsMade >= (job.opts.attempts ?? 1) ||
      error instanceof UnrecoverableError ||
      error.message.includes("stalled more than allowable limit");
    if (!exhausted) return;
    const parsed = TaskJobData.safeParse(job.data);
    if (!parsed.success) return;
    options.tasks
      .transition(parsed.data.taskId, "failed", {
        from: ["pending", "queued", "running"],
        fields: {
          error_code: "lost_lock",
          error_message: "The task's worker stopped responding too many times.",
          error_step: "queue",
        },
      })
      .catch((transitionError: unknown) =>
        log.error(
          { err: transitionError, taskId: parsed.data.taskId },
          "Marking a stalled task failed failed",
        ),
      );
  });

  return {
    worker,
    async close(graceMs) {
      const closing = worker.close();
      const timer = setTimeout(() => {
        for (const control of controls.values()) control.abort("shutdown");
      }, graceMs);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
        options.connection.disconnect();
      }
    },
  };
}
