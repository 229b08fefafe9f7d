import { isSessionId, sessionRelativePath } from "../agent/claude-project-dir.ts";
import { rebaseSessionPaths } from "../agent/rebase-session-paths.ts";
import { AppError } from "../errors.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";
import type { AgentSession } from "./executor.ts";
import type { ClaudeCodeExecutorDeps } from "./executor-deps.ts";

/**
 * Puts an earlier session file where Claude Code looks for it in this sandbox (for --resume), with
 * its workspace paths moved to this sandbox's workspace.
 */
export async function restoreSession(sandbox: Sandbox, sessionId: string, content: string): Promise<void> {
  if (!isSessionId(sessionId)) throw new Error("The session id to resume is not a Claude Code session id.");
  await sandbox.writeFile(
    `${sandbox.homeDir}/.claude/projects/${sessionRelativePath(sandbox.workdir, sessionId)}`,
    rebaseSessionPaths(content, sandbox.workdir),
  );
}

/** Reads the session file Claude Code wrote for this run, or null when there is none. */
export async function readSession(sandbox: Sandbox, sessionId: string | null): Promise<AgentSession | null> {
  if (sessionId === null || !isSessionId(sessionId)) return null;
  const relativePath = sessionRelativePath(sandbox.workdir, sessionId);
  try {
    const content = await sandbox.readTextFile(`${sandbox.homeDir}/.claude/projects/${relativePath}`);
    return { id: sessionId, content, relativePath };
  } catch {
    return null;
  }
}

/** Restores a follow-up's earlier session, which must have been kept. */
export async function restoreEarlierSession(
  deps: ClaudeCodeExecutorDeps,
  sandbox: Sandbox,
  sessionId: string,
): Promise<void> {
  const content = await deps.findSessionContent(sessionId);
  if (content === undefined) {
    throw new AppError(
      "internal_error",
      `The earlier agent session ${sessionId} was not found; start a new session instead.`,
      { retryable: false, step: "clone" },
    );
  }
  await restoreSession(sandbox, sessionId, content);
}
