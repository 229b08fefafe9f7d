import { sql } from "kysely";
import type { DbOrTrx } from "../db/database.ts";
import type { Task } from "../tasks/task.table.ts";

/** An issue or pull request: the unit within which tasks run one at a time and share a session. */
export interface Conversation {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

const ACTIVE = ["pending", "queued", "running"] as const;

/**
 * Tasks of a conversation, oldest first. A pull request the app opened for an issue belongs to the
 * issue's conversation too (its pr_number), so a follow-up on that PR finds the tasks.
 */
function selectConversation(db: DbOrTrx, conversation: Conversation) {
  return db
    .selectFrom("tasks")
    .selectAll()
    .where("owner", "=", conversation.owner)
    .where("repo", "=", conversation.repo)
    .where((where) =>
      where.or([
        where("issue_number", "=", conversation.number),
        where("pr_number", "=", conversation.number),
      ]),
    );
}

export async function selectActiveTasks(db: DbOrTrx, conversation: Conversation): Promise<Task[]> {
  return selectConversation(db, conversation)
    .where("status", "in", ACTIVE)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** The newest task of the conversation that ended (its session and branch carry over). */
export async function selectLatestFinishedTask(
  db: DbOrTrx,
  conversation: Conversation,
): Promise<Task | undefined> {
  return selectConversation(db, conversation)
    .where("status", "in", ["completed", "failed", "cancelled"])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
}

/** Serializes task creation per conversation across web replicas (released at commit). */
export async function lockConversation(trx: DbOrTrx, conversation: Conversation): Promise<void> {
  const key = `${conversation.owner}/${conversation.repo}#${conversation.number}`.toLowerCase();
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
}

/** 1-based position among queued tasks (all repositories), for "queue position" in comments. */
export async function queuePosition(db: DbOrTrx, task: Pick<Task, "id" | "created_at">): Promise<number> {
  const row = await db
    .selectFrom("tasks")
    .select((select) => select.fn.countAll<string>().as("ahead"))
    .where("status", "=", "queued")
    .where(sql<boolean>`(created_at, id) < (${task.created_at}, ${task.id})`)
    .executeTakeFirst();
  return Number(row?.ahead ?? 0) + 1;
}
