import type { DbOrTrx } from "../db/database.ts";

/**
 * The saved session file of the task whose agent session had this id (for --resume on a
 * follow-up), or undefined when none was kept.
 */
export async function selectSessionContent(db: DbOrTrx, sessionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("task_artifacts")
    .innerJoin("tasks", "tasks.id", "task_artifacts.task_id")
    .select("task_artifacts.content")
    .where("tasks.agent_session_id", "=", sessionId)
    .where("task_artifacts.kind", "=", "session")
    .orderBy("task_artifacts.created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.content ?? undefined;
}
