import type { TaskStatus } from "./task.table.ts";

/** Every status, in lifecycle order. */
export const TASK_STATUSES = [
  "pending",
  "queued",
  "running",
  "completed",
  "failed",
  "cancelled",
] as const satisfies readonly TaskStatus[];

/** Statuses a task never leaves. */
export const FINAL_STATUSES: readonly TaskStatus[] = ["completed", "failed", "cancelled"];

/**
 * The state machine: pending → queued → running → completed | failed | cancelled. running → queued
 * is a retry; a held (pending) task may be picked up directly; any live task can fail or be cancelled.
 */
const ALLOWED: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ["queued", "running", "failed", "cancelled"],
  queued: ["running", "failed", "cancelled"],
  running: ["queued", "completed", "failed", "cancelled"],
  completed: [],
  failed: [],
  cancelled: [],
};

export function isFinalStatus(status: TaskStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** The statuses a task may be in to move to `to`, optionally narrowed by the caller. */
export function sourcesOf(to: TaskStatus, narrowTo?: readonly TaskStatus[]): TaskStatus[] {
  return TASK_STATUSES.filter(
    (from) => canTransition(from, to) && (narrowTo === undefined || narrowTo.includes(from)),
  );
}
