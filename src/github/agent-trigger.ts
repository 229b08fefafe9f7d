import type { TriggerKind } from "../tasks/task.table.ts";
import type { GitHubUser } from "./schema.ts";

/** One `/agent` comment, whatever kind of GitHub event carried it. */
export interface AgentTrigger {
  readonly kind: Exclude<TriggerKind, "issue">;
  readonly deliveryId: string;
  readonly event: string;
  readonly installationId: number;
  readonly owner: string;
  readonly repo: string;
  readonly repositoryUrl: string;
  readonly defaultBranch: string;
  /** Issue or pull request number (the conversation). */
  readonly number: number;
  readonly isPullRequest: boolean;
  readonly locked: boolean;
  readonly title: string;
  readonly body: string;
  readonly conversationAuthor: string;
  /** The comment (or review) that holds the command. */
  readonly commentId: number;
  readonly commentBody: string;
  readonly author: GitHubUser;
  readonly sender: GitHubUser;
  /** Review comments: where on the diff the comment sits. */
  readonly review?: {
    readonly path: string;
    readonly line: number | undefined;
    readonly startLine: number | undefined;
    readonly diffHunk: string;
    /** The thread's first comment: replies go there. */
    readonly threadId: number;
  };
  /** Known from pull request events; fetched later for PR conversation comments. */
  readonly pullRequest?: PullRequestHead;
}

export interface PullRequestHead {
  readonly headRef: string;
  readonly headSha: string;
  readonly baseRef: string;
  /** owner/repo of the head, or null when the fork was deleted. */
  readonly headFullName: string | null;
  readonly headCloneUrl: string | null;
  readonly maintainerCanModify: boolean;
}
