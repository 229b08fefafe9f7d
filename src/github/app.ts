import type { Probot } from "probot";
import type { GitHubDeps } from "./github-deps.ts";
import { handleInstallation } from "./handle-installation.ts";
import { handleIssueComment } from "./handle-issue-comment.ts";
import { handleReview } from "./handle-review.ts";
import { handleReviewComment } from "./handle-review-comment.ts";

/**
 * The Probot app: a routing table. Edited and deleted comments are not routed (never commands).
 */
export function createGitHubApp(deps: GitHubDeps): (app: Probot) => void {
  return (app) => {
    app.on("issue_comment.created", (context) => handleIssueComment(deps, context));
    app.on("pull_request_review_comment.created", (context) => handleReviewComment(deps, context));
    app.on("pull_request_review.submitted", (context) => handleReview(deps, context));
    app.on("installation", (context) => handleInstallation(deps, context));
  };
}
