import type { ProbotOctokit } from "probot";
import type { PullRequestHead } from "./agent-trigger.ts";
import { PullRequest } from "./schema.ts";

export function toPullRequestHead(pullRequest: PullRequest): PullRequestHead {
  return {
    headRef: pullRequest.head.ref,
    headSha: pullRequest.head.sha,
    baseRef: pullRequest.base.ref,
    headFullName: pullRequest.head.repo?.full_name ?? null,
    headCloneUrl: pullRequest.head.repo?.clone_url ?? null,
    maintainerCanModify: pullRequest.maintainer_can_modify ?? false,
  };
}

/** PR conversation comments carry no head; it is fetched (the head may also have moved since). */
export async function fetchPullRequestHead(
  octokit: ProbotOctokit,
  target: { owner: string; repo: string; number: number },
): Promise<PullRequestHead> {
  const response = await octokit.rest.pulls.get({
    owner: target.owner,
    repo: target.repo,
    pull_number: target.number,
  });
  return toPullRequestHead(PullRequest.parse(response.data));
}

/** True when the app may push to the head: same repository, or a fork that allows maintainer edits. */
export function canPushToHead(head: PullRequestHead, owner: string, repo: string): boolean {
  if (head.headFullName === null) return false;
  if (head.headFullName.toLowerCase() === `${owner}/${repo}`.toLowerCase()) return true;
  return head.maintainerCanModify;
}
