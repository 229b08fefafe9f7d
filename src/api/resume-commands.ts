import type { StoredSession } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";
import { shellQuote } from "./shell-quote.ts";

/**
 * Shell commands that continue a task's agent session on your machine: check out the task's
 * branch, put the session file where Claude Code looks for this folder's sessions, resume it.
 */
export function resumeCommands(task: Task, session: StoredSession, publicUrl: string): string[] {
  const fileName = session.relativePath.split("/").at(-1) ?? `${session.sessionId ?? "session"}.jsonl`;
  const projectDir = "\"$HOME/.claude/projects/$(pwd | sed 's/[^A-Za-z0-9]/-/g')\"";
  const commands: string[] = [];
  if (task.work_branch !== null) {
    commands.push(
      `git fetch origin ${shellQuote(task.work_branch)} && git checkout ${shellQuote(task.work_branch)}`,
    );
  }
  commands.push(`mkdir -p ${projectDir}`);
  commands.push(
    `curl -fsS -H "Authorization: Bearer $CLOUD_AGENT_API_KEY" ${shellQuote(
      `${publicUrl}/v1/tasks/${task.id}/session?format=jsonl`,
    )} -o ${projectDir}/${shellQuote(fileName)}`,
  );
  if (session.sessionId !== null) commands.push(`claude --resume ${shellQuote(session.sessionId)}`);
  return commands;
}
