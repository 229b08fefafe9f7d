import type { Context } from "probot";
import type { GitHubDeps } from "./github-deps.ts";
import { handleAgentCommand } from "./handle-agent-command.ts";
import { toPullRequestHead } from "./pull-request-head.ts";
import { ReviewCommentCreated } from "./schema.ts";

/** `pull_request_review_comment.created`: an inline comment on a diff line. */
export async function handleReviewComment(
  deps: GitHubDeps,
  context: Context<"pull_request_review_comment.created">,
): Promise<void> {
  const payload = ReviewCommentCreated.parse(context.payload);
  const { comment, pull_request: pullRequest } = payload;
  await handleAgentCommand(deps, context, {
    kind: "review_comment",
    deliveryId: context.id,
    event: context.name,
    installationId: payload.installation.id,
    owner: payload.repository.owner.login,
    repo: payload.repository.name,
    repositoryUrl: payload.repository.clone_url,
    defaultBranch: payload.repository.default_branch,
    number: pullRequest.number,
    isPullRequest: true,
    locked: pullRequest.locked ?? false,
    title: pullRequest.title,
    body: pullRequest.body ?? "",
    conversationAuthor: pullRequest.user.login,
    commentId: comment.id,
    commentBody: comment.body,
    author: comment.user,
    sender: payload.sender,
    review: {
      path: comment.path,
      line: comment.line ?? comment.original_line ?? undefined,
      startLine: comment.start_line ?? undefined,
      diffHunk: comment.diff_hunk,
      threadId: comment.in_reply_to_id ?? comment.id,
    },
    pullRequest: toPullRequestHead(pullRequest),
  });
}
