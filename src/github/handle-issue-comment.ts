import type { Context } from "probot";
import type { GitHubDeps } from "./github-deps.ts";
import { handleAgentCommand } from "./handle-agent-command.ts";
import { IssueCommentCreated } from "./schema.ts";

/** `issue_comment.created`: a comment on an issue or in a pull request's conversation. */
export async function handleIssueComment(
  deps: GitHubDeps,
  context: Context<"issue_comment.created">,
): Promise<void> {
  const payload = IssueCommentCreated.parse(context.payload);
  await handleAgentCommand(deps, context, {
    kind: "issue_comment",
    deliveryId: context.id,
    event: context.name,
    installationId: payload.installation.id,
    owner: payload.repository.owner.login,
    repo: payload.repository.name,
    repositoryUrl: payload.repository.clone_url,
    defaultBranch: payload.repository.default_branch,
    number: payload.issue.number,
    isPullRequest: payload.issue.pull_request !== undefined,
    locked: payload.issue.locked ?? false,
    title: payload.issue.title,
    body: payload.issue.body ?? "",
    conversationAuthor: payload.issue.user.login,
    commentId: payload.comment.id,
    commentBody: payload.comment.body,
    author: payload.comment.user,
    sender: payload.sender,
  });
}
