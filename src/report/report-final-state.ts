import type { ProbotOctokit } from "probot";
import type { Db } from "../db/database.ts";
import type { Redactor } from "../security/redact.ts";
import type { TaskService } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";
import { upsertCheckRun, type CheckRunState } from "./check-run.ts";
import { createProgressComment, updateProgressComment } from "./progress-comment.ts";
import { renderFinalComment } from "./render-final-comment.ts";
import { storeCheckRunId, storeProgressCommentId } from "./report.repository.ts";

export interface FinalStateDeps {
  readonly db: Db;
  readonly tasks: Pick<TaskService, "listFiles">;
  readonly redactor: Redactor;
  readonly taskLink: (taskId: string) => string;
}

/**
 * A task ended: its comment becomes the result (or the failure and how to retry) and its check run
 * completes with the same summary. Idempotent: running it twice edits the same comment and run.
 */
export async function reportFinalState(
  octokit: ProbotOctokit,
  deps: FinalStateDeps,
  task: Task,
  extras: { cancelledBy?: string } = {},
): Promise<void> {
  if (task.owner === null || task.repo === null || task.issue_number === null) return;
  const link = deps.taskLink(task.id);
  const files = await deps.tasks.listFiles(task.id);
  const commitUrl =
    task.is_pull_request && task.commit_sha !== null ? commitUrlOf(task, task.commit_sha) : null;
  const body = renderFinalComment({ task, link, files, commitUrl, cancelledBy: extras.cancelledBy });
  // 1. The comment: edited in place; created only if the acknowledgement never stored one.
  if (task.progress_comment_id === null) {
    const id = await createProgressComment(octokit, deps.redactor, task, body);
    await storeProgressCommentId(deps.db, task.id, id);
  } else {
    await updateProgressComment(octokit, deps.redactor, task, body);
  }
  // 2. The check run: on the PR head, the pushed commit, or (nothing pushed) the base branch head.
  const headSha = await checkRunSha(octokit, task);
  if (headSha === null) return;
  const id = await upsertCheckRun(octokit, deps.redactor, {
    task,
    headSha,
    link,
    state: checkRunState(task, files.length),
    content: { title: checkRunTitle(task, files.length), summary: body },
  });
  if (task.check_run_id === null) await storeCheckRunId(deps.db, task.id, id);
}

export function checkRunState(task: Task, fileCount: number): CheckRunState {
  switch (task.status) {
    case "completed":
      return {
        status: "completed",
        conclusion: fileCount === 0 && task.commit_sha === null ? "neutral" : "success",
      };
    case "cancelled":
      return { status: "completed", conclusion: "cancelled" };
    default:
      return { status: "completed", conclusion: "failure" };
  }
}

function checkRunTitle(task: Task, fileCount: number): string {
  if (task.status === "completed") {
    return fileCount === 0 && task.commit_sha === null ? "No changes" : `Changed ${fileCount} file(s)`;
  }
  if (task.status === "cancelled") return "Cancelled";
  return `Failed at ${task.error_step ?? "agent"}`;
}

async function checkRunSha(octokit: ProbotOctokit, task: Task): Promise<string | null> {
  if (task.is_pull_request && task.head_sha !== null) return task.head_sha;
  if (task.commit_sha !== null) return task.commit_sha;
  if (task.base_branch === null) return null;
  const ref = await octokit.rest.git.getRef({
    owner: task.owner ?? "",
    repo: task.repo ?? "",
    ref: `heads/${task.base_branch}`,
  });
  return ref.data.object.sha;
}

/** https://github.com/o/r/commit/sha, from the task's clone URL. */
export function commitUrlOf(task: Pick<Task, "repository_url">, sha: string): string {
  const base = task.repository_url.endsWith(".git") ? task.repository_url.slice(0, -4) : task.repository_url;
  return `${base}/commit/${sha}`;
}
