import type { Context } from "probot";
import type { GitHubDeps } from "./github-deps.ts";
import { handleAgentCommand } from "./handle-agent-command.ts";
import { toPullRequestHead } from "./pull-request-head.ts";
import { ReviewSubmitted } from "./schema.ts";

/** `pull_request_review.submitted`: the body of a review (approve, comment, request changes). */
export async function handleReview(
  deps: GitHubDeps,
  context: Context<"pull_request_review.submitted">,
): Promise<void> {
  const payload = ReviewSubmitted.parse(context.payload);
  const { review, pull_request: pullRequest } = payload;
  if (review.body === null || review.body === "") return;
  await handleAgentCommand(deps, context, {
    kind: "review",
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
    commentId: review.id,
    commentBody: review.body,
    author: review.user,
    sender: payload.sender,
    pullRequest: toPullRequestHead(pullRequest),
  });
}
