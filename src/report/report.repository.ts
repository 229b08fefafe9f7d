import { sql } from "kysely";
import type { DbOrTrx } from "../db/database.ts";

/** SQL for the GitHub ids a task records; each set once (a second writer loses, and knows it). */

/** Stores the progress comment id unless one is stored already; false when another writer won. */
export async function storeProgressCommentId(
  db: DbOrTrx,
  taskId: string,
  commentId: number,
): Promise<boolean> {
  const result = await db
    .updateTable("tasks")
    .set({ progress_comment_id: commentId, updated_at: sql`now()` })
    .where("id", "=", taskId)
    .where("progress_comment_id", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Stores the check run id unless one is stored already. */
export async function storeCheckRunId(db: DbOrTrx, taskId: string, checkRunId: number): Promise<boolean> {
  const result = await db
    .updateTable("tasks")
    .set({ check_run_id: checkRunId, updated_at: sql`now()` })
    .where("id", "=", taskId)
    .where("check_run_id", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
