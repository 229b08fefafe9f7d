import type { DbOrTrx } from "../db/database.ts";
import type { Task, TaskArtifact, TaskEventRow } from "../tasks/task.table.ts";

/** Read-only queries the task pages need (the page never writes). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` can be a task id (so a malformed id is a 404, not a database error). */
export function isTaskId(id: string): boolean {
  return UUID.test(id);
}

export async function findTask(db: DbOrTrx, taskId: string): Promise<Task | undefined> {
  if (!isTaskId(taskId)) return undefined;
  return db.selectFrom("tasks").selectAll().where("id", "=", taskId).executeTakeFirst();
}

/** Events after `afterSeq`, in order. */
export async function findEventsAfter(
  db: DbOrTrx,
  taskId: string,
  afterSeq: number,
): Promise<TaskEventRow[]> {
  return db
    .selectFrom("task_events")
    .selectAll()
    .where("task_id", "=", taskId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .execute();
}

/** Changed files (with their diffs), by path. */
export async function findChangedFiles(db: DbOrTrx, taskId: string): Promise<TaskArtifact[]> {
  return db
    .selectFrom("task_artifacts")
    .selectAll()
    .where("task_id", "=", taskId)
    .where("kind", "=", "file")
    .orderBy("path")
    .execute();
}
