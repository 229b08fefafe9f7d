import type { TaskExecutor } from "./executor.ts";
import type { ClaudeCodeExecutorDeps } from "./executor-deps.ts";
import { processTask } from "./process-task.ts";

/** The default executor: Claude Code in a sandbox (see process-task.ts for the steps). */
export function createClaudeCodeExecutor(deps: ClaudeCodeExecutorDeps): TaskExecutor {
  return { execute: (context) => processTask(deps, context) };
}
