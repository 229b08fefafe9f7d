import { sql } from "kysely";
import type { Logger } from "pino";
import type { Db } from "../db/database.ts";
import { promoteNextTask } from "./promote-next-task.ts";

export interface PromoteStrandedDeps {
  readonly db: Db;
  readonly enqueue: (taskId: string) => Promise<unknown>;
  readonly log: Logger;
}

/**
 * A task waiting (pending) behind another task of its conversation is normally queued by the
 * worker that finishes the one ahead. If that worker died at the wrong moment, nothing would. This
 * finds conversations with waiting tasks and no queued or running one, and promotes the next task
 * (under the conversation lock, so it races safely with a finishing worker). Returns the promoted ids.
 */
export async function promoteStrandedTasks(
  deps: PromoteStrandedDeps,
  options: { olderThanMs: number; limit?: number },
): Promise<string[]> {
  const conversations = await deps.db
    .selectFrom("tasks as waiting")
    .select(["waiting.owner", "waiting.repo", "waiting.issue_number"])
    .distinct()
    .where("waiting.status", "=", "pending")
    .where("waiting.source", "=", "github")
    .where(sql<boolean>`waiting.created_at < now() - make_interval(secs => ${options.olderThanMs / 1000})`)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("tasks as active")
            .select("active.id")
            .whereRef("active.owner", "=", "waiting.owner")
            .whereRef("active.repo", "=", "waiting.repo")
            .whereRef("active.issue_number", "=", "waiting.issue_number")
            .where("active.status", "in", ["queued", "running"]),
        ),
      ),
    )
    .limit(options.limit ?? 100)
    .execute();
  const promoted: string[] = [];
  for (const conversation of conversations) {
    const next = await promoteNextTask(deps.db, conversation);
    if (next === undefined) continue;
    await deps.enqueue(next.id);
    promoted.push(next.id);
  }
  if (promoted.length > 0) deps.log.warn({ taskIds: promoted }, "Queued waiting tasks left without a runner");
  return promoted;
}
