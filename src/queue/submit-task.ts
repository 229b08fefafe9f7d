import type { Logger } from "pino";
import { AppError } from "../errors.ts";
import type { CreateTaskInput, TaskService } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";
import type { TaskQueue } from "./task-queue.ts";

export interface SubmitDeps {
  readonly tasks: TaskService;
  readonly queue: Pick<TaskQueue, "enqueue">;
  readonly log: Logger;
}

/**
 * Creates a task and queues it at once. If the queue (Redis) cannot take it, the task is deleted
 * again and a 503 AppError is thrown: nothing is left behind looking queued.
 */
export async function submitTask(deps: SubmitDeps, input: CreateTaskInput): Promise<Task> {
  // 1. Row first, already queued (one commit with its pending → queued events): a worker that
  //    picks the job up at once always finds its task.
  const task = await deps.tasks.createTask({ ...input, status: "queued" });
  // 2. Job second; on failure undo step 1 so no task waits for a job that does not exist.
  try {
    await deps.queue.enqueue(task.id);
  } catch (error) {
    await deps.tasks.deleteTask(task.id).catch((deleteError: unknown) => {
      deps.log.error({ err: deleteError, taskId: task.id }, "Task cleanup after failed enqueue failed");
    });
    deps.log.warn({ err: error, taskId: task.id }, "Task enqueue failed");
    throw new AppError(
      "service_unavailable",
      "The task queue (Redis) is unreachable; the task was not created. Try again shortly.",
      { cause: error },
    );
  }
  return task;
}

/**
 * Queues an existing pending task (a held GitHub task whose conversation is now free) or re-adds
 * the job of a queued one. `delayMs` postpones the pick-up. Undefined: the task has ended.
 */
export async function enqueueTask(
  deps: SubmitDeps,
  taskId: string,
  options: { delayMs?: number } = {},
): Promise<Task | undefined> {
  const task = await deps.tasks.requireTask(taskId);
  if (task.status !== "pending" && task.status !== "queued") return undefined;
  await deps.queue.enqueue(taskId, options);
  if (task.status === "queued") return task;
  return (await deps.tasks.transition(taskId, "queued", { from: ["pending"] })) ?? deps.tasks.getTask(taskId);
}
