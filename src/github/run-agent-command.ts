import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import { acknowledgeTask } from "../report/acknowledge-task.ts";
import type { Task } from "../tasks/task.table.ts";
import type { AgentTrigger } from "./agent-trigger.ts";
import { buildPromptContext, fetchPromptContextInput } from "./build-prompt-context.ts";
import { queuePosition } from "./conversation-tasks.ts";
import type { GitHubDeps } from "./github-deps.ts";
import { forkNotEditableText } from "./messages.ts";
import { canPushToHead, fetchPullRequestHead } from "./pull-request-head.ts";
import { setDeliveryOutcome } from "./record-delivery.ts";
import { reactToTrigger, replyToTrigger } from "./reply-to-trigger.ts";
import type { RepoConfig } from "./repo-config.ts";
import { startAgentTask } from "./start-agent-task.ts";

/** `/agent <prompt>` from someone allowed: a task, its first feedback on GitHub, and the queue. */
export async function runAgentCommand(
  deps: GitHubDeps,
  octokit: ProbotOctokit,
  trigger: AgentTrigger,
  command: { prompt: string; newSession: boolean },
  config: RepoConfig,
  log: Logger,
): Promise<void> {
  // 1. 👀 on the comment right away, in parallel with the rest: the author knows they were heard.
  const eyes = reactToTrigger(octokit, trigger, "eyes").catch((error: unknown) => {
    log.warn({ err: error }, "Eyes reaction failed");
  });
  // 2. PR tasks work on the head branch; a fork the app may not push to is explained, not tried.
  const pullRequest = trigger.isPullRequest
    ? (trigger.pullRequest ?? (await fetchPullRequestHead(octokit, trigger)))
    : undefined;
  if (pullRequest !== undefined && !canPushToHead(pullRequest, trigger.owner, trigger.repo)) {
    await replyToTrigger(octokit, deps.redactor, trigger, forkNotEditableText(pullRequest.headFullName));
    await setDeliveryOutcome(deps.db, trigger.deliveryId, "refused");
    await eyes;
    return;
  }
  // 3. The task row; it waits (pending) when another task of this conversation is active.
  const { task, waitingBehind } = await startAgentTask(deps.db, deps.redactor, {
    trigger,
    prompt: command.prompt,
    newSession: command.newSession,
    config,
    context: "",
    pullRequest,
  });
  log.info({ taskId: task.id, waiting: waitingBehind !== null }, "Task created from comment");
  // 4. The progress comment, before the slower context fetch: first feedback within a second.
  const state =
    waitingBehind === null
      ? { phase: "queued" as const, position: await queuePosition(deps.db, task) }
      : { phase: "waiting" as const, behindTaskId: waitingBehind.id };
  const acknowledged = await acknowledgeTask(octokit, deps, task, state).catch((error: unknown) => {
    // The worker creates the comment if this one failed; the task still runs.
    log.warn({ err: error, taskId: task.id }, "Progress comment failed");
    return task;
  });
  // 5. Prompt context (others' words sanitized and attributed, PR files, review position).
  await storeContext(deps, octokit, trigger, acknowledged);
  // 6. Queue it; from here the worker owns the task.
  if (waitingBehind === null) await enqueueOrFail(deps, acknowledged, log);
  await setDeliveryOutcome(
    deps.db,
    trigger.deliveryId,
    waitingBehind === null ? "task_created" : "task_waiting",
    task.id,
  );
  await eyes;
}

async function storeContext(
  deps: GitHubDeps,
  octokit: ProbotOctokit,
  trigger: AgentTrigger,
  task: Task,
): Promise<void> {
  const context = buildPromptContext(await fetchPromptContextInput(octokit, trigger));
  const options = { ...(task.options as object), context };
  await deps.tasks.updateFields(task.id, { options: JSON.stringify(options) });
}

async function enqueueOrFail(deps: GitHubDeps, task: Task, log: Logger): Promise<void> {
  try {
    await deps.enqueue(task.id);
  } catch (error) {
    log.error({ err: error, taskId: task.id }, "Enqueue failed");
    await deps.tasks.transition(task.id, "failed", {
      reason: "enqueue failed",
      fields: {
        error_code: "internal_error",
        error_step: "queue",
        error_message:
          "The task could not be put on the queue (the queue service was unavailable). Comment again to retry.",
      },
    });
    throw error;
  }
}
