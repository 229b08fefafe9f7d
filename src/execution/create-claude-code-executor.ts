import type { Db } from "../db/database.ts";
import type { TaskExecutor } from "./executor.ts";
import type { ClaudeCodeExecutorDeps } from "./executor-deps.ts";
import { processTask } from "./process-task.ts";
import { selectSessionContent } from "./select-session-content.ts";

/** The default executor: Claude Code in a sandbox (see process-task.ts for the steps). */
export function createClaudeCodeExecutor(deps: ClaudeCodeExecutorDeps): TaskExecutor {
  return { execute: (context) => processTask(deps, context) };
}

/**
 * The executor built from the composition root's parts: src/deps.ts wires it as the default, and the
 * tests and benches that run the real agent pass it with their own options.
 */
export function claudeCodeExecutorFrom(
  deps: Pick<ClaudeCodeExecutorDeps, "config" | "sandboxes" | "gitAuth" | "redactor"> & { readonly db: Db },
  options: Pick<ClaudeCodeExecutorDeps, "agentMaxRetries"> = {},
): TaskExecutor {
  return createClaudeCodeExecutor({
    config: deps.config,
    sandboxes: deps.sandboxes,
    gitAuth: deps.gitAuth,
    redactor: deps.redactor,
    findSessionContent: (sessionId) => selectSessionContent(deps.db, sessionId),
    ...options,
  });
}
