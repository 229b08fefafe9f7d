import type { Logger } from "pino";
import type { TaskService } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";
import type { TaskQueue } from "./task-queue.ts";

export interface CancelDeps {
  readonly tasks: TaskService;
  readonly queue: Pick<TaskQueue, "remove">;
  readonly log: Logger;
}

/**
 * Cancels a pending, queued or running task. Undefined: it had already ended (or does not exist).
 * A running task's worker learns it from the status event on the event bus (and, should that be
 * lost, from its periodic check of the row) and aborts the execution.
 */
export async function cancelTask(
  deps: CancelDeps,
  taskId: string,
  reason = "Cancelled by request",
): Promise<Task | undefined> {
  // 1. Postgres decides: once the row says cancelled, no attempt can complete it any more.
  const task = await deps.tasks.transition(taskId, "cancelled", {
    from: ["pending", "queued", "running"],
    fields: { error_code: "cancelled", error_message: reason },
    reason,
  });
  if (task === undefined) return undefined;
  // 2. Take a waiting job off the queue so no worker spends a pick-up on it (best effort: a worker
  //    that gets it anyway finds the task cancelled and skips it).
  await deps.queue.remove(taskId).catch((error: unknown) => {
    deps.log.warn({ err: error, taskId }, "Removing a cancelled task's job failed");
  });
  return task;
}
