import type { Deps } from "../deps.ts";
import { createTaskWorker, type TaskWorker } from "./task-worker.ts";

export interface StartWorkerOptions {
  readonly concurrency?: number;
  /** How often a running attempt re-reads its row (cancel / takeover fallback). Default 2000. */
  readonly pollMs?: number;
  readonly workerId?: string;
}

/** A BullMQ worker on the deps' queue, running the deps' executor and reporters. */
export function startTaskWorker(deps: Deps, options: StartWorkerOptions = {}): TaskWorker {
  return createTaskWorker({
    queueName: deps.queue.name,
    connection: deps.createRedis(),
    concurrency: options.concurrency ?? deps.config.workerConcurrency,
    tasks: deps.tasks,
    eventBus: deps.eventBus,
    executor: deps.executor,
    reporters: deps.reporters,
    log: deps.log,
    metrics: deps.metrics,
    taskTimeoutMs: deps.config.taskTimeoutMs,
    pollMs: options.pollMs ?? 2_000,
    ...(options.workerId === undefined ? {} : { workerId: options.workerId }),
  });
}
