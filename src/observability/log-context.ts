import type { Logger } from "pino";

/**
 * Child loggers that put the ids an operator searches by on every line: the task id (and attempt)
 * for everything a worker does, the webhook delivery id for everything a delivery causes.
 */

export interface TaskLogFields {
  readonly id: string;
  readonly delivery_id?: string | null;
  readonly owner?: string | null;
  readonly repo?: string | null;
  readonly issue_number?: number | null;
}

export function taskLogger(log: Logger, task: TaskLogFields, attempt?: number): Logger {
  return log.child({
    taskId: task.id,
    ...(attempt === undefined ? {} : { attempt }),
    ...(task.delivery_id == null ? {} : { deliveryId: task.delivery_id }),
    ...(task.owner == null || task.repo == null ? {} : { repository: `${task.owner}/${task.repo}` }),
    ...(task.issue_number == null ? {} : { issueNumber: task.issue_number }),
  });
}

export function deliveryLogger(log: Logger, delivery: { id: string; name: string }): Logger {
  return log.child({ deliveryId: delivery.id, event: delivery.name });
}
