import type { Db } from "../db/database.ts";
import type { Redactor } from "../security/redact.ts";
import { insertTask } from "../tasks/task.repository.ts";
import type { Task, TaskOptions } from "../tasks/task.table.ts";
import type { AgentTrigger, PullRequestHead } from "./agent-trigger.ts";
import { issueBranchName } from "./branch-name.ts";
import { lockConversation, selectActiveTasks, selectLatestFinishedTask } from "./conversation-tasks.ts";
import type { RepoConfig } from "./repo-config.ts";

export const DEFAULT_BRANCH_PREFIX = "agent/";

export interface StartAgentTaskInput {
  readonly trigger: AgentTrigger;
  readonly prompt: string;
  readonly newSession: boolean;
  readonly config: RepoConfig;
  readonly context: string;
  /** The pull request's head (PR conversations only). */
  readonly pullRequest: PullRequestHead | undefined;
}

export interface StartedTask {
  readonly task: Task;
  /** The conversation's task this one waits behind, or null when it was queued right away. */
  readonly waitingBehind: Task | null;
}

/**
 * Creates the task row for a command: one transaction per conversation (advisory lock), so two
 * comments at once cannot both start. A second task waits (pending) behind the active one; a
 * follow-up resumes the conversation's last session unless `/agent new` asked for a fresh one.
 */
export async function startAgentTask(
  db: Db,
  redactor: Redactor,
  input: StartAgentTaskInput,
): Promise<StartedTask> {
  const { trigger } = input;
  const conversation = { owner: trigger.owner, repo: trigger.repo, number: trigger.number };
  return db.transaction().execute(async (trx) => {
    await lockConversation(trx, conversation);
    const active = await selectActiveTasks(trx, conversation);
    const previous = await selectLatestFinishedTask(trx, conversation);
    const waitingBehind = active.at(-1) ?? null;
    const branches = branchesFor(input, previous);
    const task = await insertTask(trx, {
      id: crypto.randomUUID(),
      repository_url: trigger.repositoryUrl,
      prompt: redactor.redact(input.prompt),
      status: waitingBehind === null ? "queued" : "pending",
      ...(waitingBehind === null ? { queued_at: new Date() } : {}),
      source: "github",
      options: JSON.stringify(optionsFor(input)),
      base_branch: branches.base,
      work_branch: branches.work,
      head_sha: input.pullRequest?.headSha ?? null,
      installation_id: trigger.installationId,
      owner: trigger.owner,
      repo: trigger.repo,
      issue_number: trigger.number,
      is_pull_request: trigger.isPullRequest,
      trigger_comment_id: trigger.commentId,
      trigger_kind: trigger.kind,
      delivery_id: trigger.deliveryId,
      pr_number: previous?.pr_number ?? null,
      pr_url: previous?.pr_url ?? null,
      resume_session_id:
        input.newSession || waitingBehind !== null ? null : (previous?.agent_session_id ?? null),
      requested_by: trigger.author.login,
    });
    return { task, waitingBehind };
  });
}

function branchesFor(input: StartAgentTaskInput, previous: Task | undefined): { base: string; work: string } {
  const { trigger, pullRequest } = input;
  if (pullRequest !== undefined) return { base: pullRequest.headRef, work: pullRequest.headRef };
  // A follow-up on an issue whose PR the app opened continues on that PR's branch (the executor
  // starts from the branch's remote head; the base stays the default branch the PR targets).
  if (previous?.pr_number != null && previous.work_branch !== null) {
    return { base: trigger.defaultBranch, work: previous.work_branch };
  }
  const prefix = input.config.branch_prefix ?? DEFAULT_BRANCH_PREFIX;
  return { base: trigger.defaultBranch, work: issueBranchName(prefix, trigger.number, trigger.title) };
}

function optionsFor(input: StartAgentTaskInput): TaskOptions {
  const { config, trigger, pullRequest } = input;
  const options: TaskOptions = {
    pr_mode: config.pr_mode ?? "draft",
    branch_prefix: config.branch_prefix ?? DEFAULT_BRANCH_PREFIX,
    create_pull_request: !trigger.isPullRequest && (config.pr_mode ?? "draft") !== "none",
    new_session: input.newSession,
    context: input.context,
  };
  if (config.model !== undefined) options.model = config.model;
  if (config.max_turns !== undefined) options.max_turns = config.max_turns;
  if (config.timeout !== undefined) options.timeout_seconds = config.timeout;
  if (config.setup_commands !== undefined) options.setup_commands = config.setup_commands;
  if (config.allowed_hosts !== undefined) options.allowed_hosts = config.allowed_hosts;
  if (trigger.review !== undefined) {
    options.review = {
      path: trigger.review.path,
      diff_hunk: trigger.review.diffHunk,
      thread_id: trigger.review.threadId,
      ...(trigger.review.line === undefined ? {} : { line: trigger.review.line }),
      ...(trigger.review.startLine === undefined ? {} : { start_line: trigger.review.startLine }),
    };
  }
  const headRepo = pullRequest?.headFullName;
  if (pullRequest?.headCloneUrl != null && headRepo !== `${trigger.owner}/${trigger.repo}`) {
    options.head_repository_url = pullRequest.headCloneUrl;
  }
  return options;
}
