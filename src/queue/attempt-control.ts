import type { Logger } from "pino";
import type { TaskEventBus, Unsubscribe } from "../tasks/task-event-bus.ts";
import type { TaskService } from "../tasks/task.service.ts";
import { abortReason, type AbortKind } from "./abort-reason.ts";

export interface AttemptControl {
  readonly signal: AbortSignal;
  /** Aborts with the given kind (first reason wins). */
  abort(kind: AbortKind, message?: string): void;
  /** Stops timers and subscriptions. */
  stop(): Promise<void>;
}

export interface AttemptControlOptions {
  readonly taskId: string;
  readonly attempt: number;
  readonly timeoutMs: number;
  /** How often the row is re-read in case a pub/sub message was lost. */
  readonly pollMs: number;
  readonly tasks: Pick<TaskService, "getTask">;
  readonly eventBus: Pick<TaskEventBus, "subscribe">;
  readonly log: Logger;
}

/**
 * The abort signal of one attempt: cancel (status event on the bus, or the row says cancelled),
 * TASK_TIMEOUT, a lost lock (another attempt took the row over, or BullMQ could not renew the job
 * lock), or worker shutdown.
 */
export async function createAttemptControl(options: AttemptControlOptions): Promise<AttemptControl> {
  const controller = new AbortController();
  const abort = (kind: AbortKind, message?: string) => {
    if (controller.signal.aborted) return;
    options.log.warn({ taskId: options.taskId, attempt: options.attempt, kind }, "Task attempt aborted");
    controller.abort(abortReason(kind, message));
  };

  const timeout = setTimeout(() => abort("timeout"), options.timeoutMs);

  let unsubscribe: Unsubscribe | undefined;
  try {
    unsubscribe = await options.eventBus.subscribe(options.taskId, (event) => {
      if (event.type === "status" && event.payload.to === "cancelled") abort("cancelled");
    });
  } catch (error) {
    options.log.warn({ err: error, taskId: options.taskId }, "Cancel subscription failed; polling only");
  }

  const poll = setInterval(() => {
    options.tasks.getTask(options.taskId).then(
      (task) => {
        if (task === undefined || task.status === "cancelled") abort("cancelled");
        else if (task.attempt !== options.attempt) abort("lost_lock");
        else if (task.status !== "running") abort("lost_lock", `The task is ${task.status} already.`);
      },
      (error: unknown) => options.log.warn({ err: error, taskId: options.taskId }, "Task poll failed"),
    );
  }, options.pollMs);

  return {
    signal: controller.signal,
    abort,
    async stop() {
      clearTimeout(timeout);
      clearInterval(poll);
      await unsubscribe?.().catch(() => undefined);
    },
  };
}
