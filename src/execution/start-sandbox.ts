import { buildAgentEnv } from "../agent/build-agent-env.ts";
import { allowedHostsFor } from "../sandbox/allowed-hosts-for.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";
import type { Task } from "../tasks/task.table.ts";
import type { ClaudeCodeExecutorDeps } from "./executor-deps.ts";

/** Claude Code's API_TIMEOUT_MS for an idle limit: half of it, at least 1 s. */
export function agentApiTimeoutMs(idleTimeoutMs: number): number {
  return Math.max(1000, Math.floor(idleTimeoutMs / 2));
}

/** A sandbox for one attempt: the agent's model credential in its env, the task's allow-list. */
export async function startSandbox(
  deps: ClaudeCodeExecutorDeps,
  task: Task,
  timeoutMs: number,
): Promise<Sandbox> {
  const env = buildAgentEnv(deps.config.agent, {
    runsAsRoot: true,
    // Claude Code gives up on a model request with no answer after half the idle limit and retries
    // it itself, so one lost request is recovered before the idle watchdog ends the run.
    apiTimeoutMs: agentApiTimeoutMs(deps.config.agent.idleTimeoutMs),
    ...(deps.agentMaxRetries === undefined ? {} : { maxRetries: deps.agentMaxRetries }),
  });
  const allowedHosts = allowedHostsFor({
    repositoryUrl: task.repository_url,
    anthropicBaseUrl: deps.config.agent.baseUrl,
    extra: [...deps.config.sandbox.allowedHosts, ...(task.options.allowed_hosts ?? [])],
  });
  return deps.sandboxes.create({
    taskId: task.id,
    template: deps.config.sandbox.template,
    env,
    timeoutMs,
    allowedHosts,
  });
}
