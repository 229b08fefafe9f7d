import type { Db } from "../db/database.ts";
import {
  lockConversation,
  selectActiveTasks,
  selectLatestFinishedTask,
} from "../github/conversation-tasks.ts";
import { updateStatus } from "../tasks/task.repository.ts";
import type { Task, TaskUpdate } from "../tasks/task.table.ts";
import { optionsOf } from "./progress-comment.ts";

/**
 * One task at a time per conversation: when a task ends, the oldest task waiting behind it (pending)
 * is queued, resuming the session the finished task left (unless it asked for a fresh one) and
 * continuing on the branch of the pull request the earlier task opened. Under the conversation lock,
 * so a new comment arriving at the same moment cannot start a second task alongside it.
 */
export async function promoteNextTask(
  db: Db,
  finished: Pick<Task, "owner" | "repo" | "issue_number">,
): Promise<Task | undefined> {
  if (finished.owner === null || finished.repo === null || finished.issue_number === null) return undefined;
  const conversation = { owner: finished.owner, repo: finished.repo, number: finished.issue_number };
  return db.transaction().execute(async (trx) => {
    await lockConversation(trx, conversation);
    const active = await selectActiveTasks(trx, conversation);
    if (active.some((task) => task.status !== "pending")) return undefined;
    const next = active[0];
    if (next === undefined) return undefined;
    const previous = await selectLatestFinishedTask(trx, conversation);
    const fields: TaskUpdate = { queued_at: new Date() };
    if (!(optionsOf(next).new_session ?? false) && previous?.agent_session_id != null) {
      fields.resume_session_id = previous.agent_session_id;
    }
    if (!next.is_pull_request && previous?.pr_number != null && previous.work_branch !== null) {
      fields.work_branch = previous.work_branch;
      fields.pr_number = previous.pr_number;
      fields.pr_url = previous.pr_url;
    }
    const promoted = await updateStatus(trx, {
      id: next.id,
      to: "queued",
      from: ["pending"],
      fields,
      reason: "previous task of the conversation ended",
    });
    return promoted;
  });
}
