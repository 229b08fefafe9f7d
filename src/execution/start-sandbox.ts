import { buildAgentEnv } from "../agent/build-agent-env.ts";
import { allowedHostsFor } from "../sandbox/allowed-hosts-for.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";
import type { Task } from "../tasks/task.table.ts";
import type { ClaudeCodeExecutorDeps } from "./executor-deps.ts";

/** A sandbox for one attempt: the agent's model credential in its env, the task's allow-list. */
export async function startSandbox(
  deps: ClaudeCodeExecutorDeps,
  task: Task,
  timeoutMs: number,
): Promise<Sandbox> {
  const env = buildAgentEnv(deps.config.agent, {
    runsAsRoot: true,
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
