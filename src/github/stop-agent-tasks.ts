import type { ProbotOctokit } from "probot";
import { reportFinalState } from "../report/report-final-state.ts";
import type { AgentTrigger } from "./agent-trigger.ts";
import { selectActiveTasks } from "./conversation-tasks.ts";
import type { GitHubDeps } from "./github-deps.ts";
import { nothingToStopText } from "./messages.ts";
import { reactToTrigger, replyToTrigger } from "./reply-to-trigger.ts";

/**
 * `/agent stop`: cancels every running, queued or waiting task of the conversation. A running task
 * is aborted by its worker, whose reporter writes the final comment; the others never reach a worker,
 * so their comment and check run are finished here.
 */
export async function stopAgentTasks(
  deps: GitHubDeps,
  octokit: ProbotOctokit,
  trigger: AgentTrigger,
): Promise<void> {
  const active = await selectActiveTasks(deps.db, {
    owner: trigger.owner,
    repo: trigger.repo,
    number: trigger.number,
  });
  if (active.length === 0) {
    await replyToTrigger(octokit, deps.redactor, trigger, nothingToStopText());
    return;
  }
  // Newest first: a waiting task must not be promoted when the running one ends.
  for (const task of active.reverse()) {
    const cancelled = await deps.cancel(task.id, `stopped by @${trigger.author.login}`);
    if (cancelled === undefined) continue;
    if (task.status !== "running") {
      await reportFinalState(octokit, deps, cancelled, { cancelledBy: trigger.author.login });
    }
  }
  await reactToTrigger(octokit, trigger, "+1");
}
