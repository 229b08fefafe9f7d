import { z } from "zod";

/**
 * The webhook payload fields Cloud Agent reads (and only those). Parsed where a handler receives
 * the event, so a handler never trusts a field GitHub did not send.
 */

export const GitHubUser = z.object({ login: z.string(), type: z.string() });
export type GitHubUser = z.infer<typeof GitHubUser>;

export const Repository = z.object({
  name: z.string(),
  full_name: z.string(),
  owner: z.object({ login: z.string() }),
  clone_url: z.string(),
  default_branch: z.string(),
});
export type Repository = z.infer<typeof Repository>;

const Installation = z.object({ id: z.number().int() });

const PullRequestRef = z.object({
  ref: z.string(),
  sha: z.string(),
  repo: z.object({ full_name: z.string(), clone_url: z.string() }).nullable(),
});

export const PullRequest = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable(),
  user: GitHubUser,
  locked: z.boolean().optional(),
  head: PullRequestRef,
  base: PullRequestRef,
  maintainer_can_modify: z.boolean().optional(),
});
export type PullRequest = z.infer<typeof PullRequest>;

export const IssueCommentCreated = z.object({
  comment: z.object({ id: z.number().int(), body: z.string(), user: GitHubUser }),
  issue: z.object({
    number: z.number().int(),
    title: z.string(),
    body: z.string().nullable(),
    user: GitHubUser,
    locked: z.boolean().optional(),
    pull_request: z.object({}).passthrough().optional(),
  }),
  repository: Repository,
  installation: Installation,
  sender: GitHubUser,
});
export type IssueCommentCreated = z.infer<typeof IssueCommentCreated>;

export const ReviewCommentCreated = z.object({
  comment: z.object({
    id: z.number().int(),
    body: z.string(),
    user: GitHubUser,
    path: z.string(),
    diff_hunk: z.string(),
    line: z.number().int().nullable().optional(),
    start_line: z.number().int().nullable().optional(),
    original_line: z.number().int().nullable().optional(),
    in_reply_to_id: z.number().int().optional(),
  }),
  pull_request: PullRequest,
  repository: Repository,
  installation: Installation,
  sender: GitHubUser,
});
export type ReviewCommentCreated = z.infer<typeof ReviewCommentCreated>;

export const ReviewSubmitted = z.object({
  review: z.object({ id: z.number().int(), body: z.string().nullable(), user: GitHubUser }),
  pull_request: PullRequest,
  repository: Repository,
  installation: Installation,
  sender: GitHubUser,
});
export type ReviewSubmitted = z.infer<typeof ReviewSubmitted>;

export const InstallationEvent = z.object({
  action: z.string(),
  installation: z.object({
    id: z.number().int(),
    account: z.object({ login: z.string(), type: z.string().optional() }).nullable(),
    repository_selection: z.string().optional(),
    suspended_at: z.string().nullable().optional(),
  }),
});
export type InstallationEvent = z.infer<typeof InstallationEvent>;

/** GET /repos/{owner}/{repo}/collaborators/{username}/permission */
export const CollaboratorPermission = z.object({
  permission: z.string(),
  role_name: z.string().optional(),
});
