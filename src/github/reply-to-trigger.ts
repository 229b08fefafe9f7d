import type { ProbotOctokit } from "probot";
import type { Redactor } from "../security/redact.ts";
import type { AgentTrigger } from "./agent-trigger.ts";

/** A short reply where the command was written: the review thread, or the issue / PR conversation. */
export async function replyToTrigger(
  octokit: ProbotOctokit,
  redactor: Redactor,
  trigger: AgentTrigger,
  body: string,
): Promise<void> {
  const base = { owner: trigger.owner, repo: trigger.repo };
  if (trigger.review !== undefined) {
    await octokit.rest.pulls.createReplyForReviewComment({
      ...base,
      pull_number: trigger.number,
      comment_id: trigger.review.threadId,
      body: redactor.redact(body),
    });
    return;
  }
  await octokit.rest.issues.createComment({
    ...base,
    issue_number: trigger.number,
    body: redactor.redact(body),
  });
}

export type Reaction = "eyes" | "-1" | "+1";

/** Reacts on the trigger comment; reviews have no reactions API, so those are skipped. */
export async function reactToTrigger(
  octokit: ProbotOctokit,
  trigger: AgentTrigger,
  content: Reaction,
): Promise<void> {
  const base = { owner: trigger.owner, repo: trigger.repo, content };
  if (trigger.kind === "issue_comment") {
    await octokit.rest.reactions.createForIssueComment({ ...base, comment_id: trigger.commentId });
  } else if (trigger.kind === "review_comment") {
    await octokit.rest.reactions.createForPullRequestReviewComment({
      ...base,
      comment_id: trigger.commentId,
    });
  }
}
