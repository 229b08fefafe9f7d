import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { Db } from "../db/database.ts";
import type { Redactor } from "../security/redact.ts";
import type { Task } from "../tasks/task.table.ts";
import { upsertCheckRun } from "./check-run.ts";
import { createProgressComment } from "./progress-comment.ts";
import { renderProgressComment, type ProgressState } from "./render-progress-comment.ts";
import { storeCheckRunId, storeProgressCommentId } from "./report.repository.ts";

export interface AcknowledgeDeps {
  readonly db: Db;
  readonly redactor: Redactor;
  readonly taskLink: (taskId: string) => string;
  readonly log: Logger;
}

/**
 * The first feedback on GitHub, posted as soon as the task row exists (before any worker runs):
 * the progress comment (what was asked, the link, queue position) and, for PR tasks, a queued check
 * run on the PR head. Returns the task with the ids it stored.
 */
export async function acknowledgeTask(
  octokit: ProbotOctokit,
  deps: AcknowledgeDeps,
  task: Task,
  state: ProgressState,
): Promise<Task> {
  const link = deps.taskLink(task.id);
  // 1. The progress comment: the one comment this task will ever have, edited from here on.
  const commentId = await createProgressComment(
    octokit,
    deps.redactor,
    task,
    renderProgressComment(task, link, state),
  );
  // 2. Store its id; if another writer (a worker that started first) stored one, ours goes away.
  if (!(await storeProgressCommentId(deps.db, task.id, commentId))) {
    await deleteComment(octokit, task, commentId);
    return task;
  }
  let acknowledged: Task = { ...task, progress_comment_id: commentId };
  // 3. PR tasks: a queued check run on the head commit shows up in the PR's checks at once.
  if (task.is_pull_request && task.head_sha !== null) {
    const checkRunId = await upsertCheckRun(octokit, deps.redactor, {
      task: acknowledged,
      headSha: task.head_sha,
      link,
      state: { status: "queued" },
      content: { title: "Queued", summary: `Task [${task.id}](${link}) is queued.` },
    });
    if (await storeCheckRunId(deps.db, task.id, checkRunId)) {
      acknowledged = { ...acknowledged, check_run_id: checkRunId };
    }
  }
  return acknowledged;
}

async function deleteComment(octokit: ProbotOctokit, task: Task, commentId: number): Promise<void> {
  const owner = task.owner ?? "";
  const repo = task.repo ?? "";
  if (task.trigger_kind === "review_comment") {
    await octokit.rest.pulls.deleteReviewComment({ owner, repo, comment_id: commentId });
  } else {
    await octokit.rest.issues.deleteComment({ owner, repo, comment_id: commentId });
  }
}
