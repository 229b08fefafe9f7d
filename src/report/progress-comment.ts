import type { ProbotOctokit } from "probot";
import type { Redactor } from "../security/redact.ts";
import type { Task, TaskOptions } from "../tasks/task.table.ts";

/**
 * The task's one comment. Review-comment tasks answer inside the review thread; every other task
 * comments on the issue or PR. The body is redacted before it leaves.
 */
export async function createProgressComment(
  octokit: ProbotOctokit,
  redactor: Redactor,
  task: Task,
  body: string,
): Promise<number> {
  const { owner, repo } = target(task);
  const threadId = reviewThreadId(task);
  if (threadId !== undefined && task.issue_number !== null) {
    const reply = await octokit.rest.pulls.createReplyForReviewComment({
      owner,
      repo,
      pull_number: task.issue_number,
      comment_id: threadId,
      body: redactor.redact(body),
    });
    return reply.data.id;
  }
  const comment = await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: task.issue_number ?? 0,
    body: redactor.redact(body),
  });
  return comment.data.id;
}

export async function updateProgressComment(
  octokit: ProbotOctokit,
  redactor: Redactor,
  task: Task,
  body: string,
): Promise<void> {
  if (task.progress_comment_id === null) return;
  const { owner, repo } = target(task);
  if (reviewThreadId(task) !== undefined) {
    await octokit.rest.pulls.updateReviewComment({
      owner,
      repo,
      comment_id: task.progress_comment_id,
      body: redactor.redact(body),
    });
    return;
  }
  await octokit.rest.issues.updateComment({
    owner,
    repo,
    comment_id: task.progress_comment_id,
    body: redactor.redact(body),
  });
}

function reviewThreadId(task: Task): number | undefined {
  if (task.trigger_kind !== "review_comment") return undefined;
  return optionsOf(task).review?.thread_id;
}

function target(task: Task): { owner: string; repo: string } {
  return { owner: task.owner ?? "", repo: task.repo ?? "" };
}

export function optionsOf(task: Pick<Task, "options">): TaskOptions {
  const options: unknown = task.options;
  if (typeof options === "string") return JSON.parse(options) as TaskOptions;
  return options ?? {};
}
