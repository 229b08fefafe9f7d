import type { Logger } from "pino";
import type { Task } from "../tasks/task.table.ts";
import type { TaskEventInput } from "../tasks/task-event.ts";

/**
 * The worker hands each attempt of a task to a TaskExecutor. The real one (execution/process-task.ts)
 * runs Claude Code in a sandbox; tests inject their own (test/support/). The worker owns the task's
 * status: the executor returns a result or throws an AppError with a TaskFailureCode.
 */

export interface ExecutionContext {
  readonly task: Task;
  /** The attempt number this execution holds (fencing token; see tasks/). */
  readonly attempt: number;
  /** Aborted on cancel, TASK_TIMEOUT, lost job lock or shutdown; `signal.reason` says which. */
  readonly signal: AbortSignal;
  /** Appends a task event (redacted, fenced on the attempt). */
  emit(event: TaskEventInput): Promise<void>;
  /** Updates fields on the task row while the attempt holds (sandbox_id, work_branch, …). */
  update(fields: ExecutionUpdate): Promise<void>;
  readonly log: Logger;
}

export type ExecutionUpdate = Partial<{
  sandbox_id: string | null;
  work_branch: string;
  base_branch: string;
  head_sha: string;
  commit_sha: string;
  claude_code_version: string;
}>;

export interface ChangedFile {
  path: string;
  change: "added" | "modified" | "deleted" | "renamed";
  old_path?: string;
  additions: number;
  deletions: number;
  diff: string;
}

export interface AgentSession {
  id: string;
  /** The session JSONL file Claude Code wrote, as text. */
  content: string;
  /** Path relative to ~/.claude/projects, so it can be restored for --resume. */
  relativePath: string;
}

export interface ExecutionResult {
  /** "no_changes": the agent finished but left nothing to push. */
  outcome: "changes" | "no_changes";
  summary: string | null;
  costUsd: number | null;
  numTurns: number | null;
  durationMs: number | null;
  sessionId: string | null;
  baseBranch: string | null;
  workBranch: string | null;
  commitSha: string | null;
  files: ChangedFile[];
  session: AgentSession | null;
}

export interface TaskExecutor {
  execute(context: ExecutionContext): Promise<ExecutionResult>;
}

/**
 * Observers of a task's lifecycle in the worker that runs it (the GitHub reporter implements this:
 * progress comment, check run, pull request). Hooks are awaited; a hook that throws is logged and
 * does not fail the task, except `onSucceeded`, whose errors (e.g. PR creation) fail the attempt.
 */
export interface TaskReporter {
  onStarted?(task: Task, attempt: number): Promise<void>;
  onEvent?(task: Task, attempt: number, event: TaskEventInput): Promise<void>;
  onSucceeded?(task: Task, attempt: number, result: ExecutionResult): Promise<void>;
  /** The task reached a final state (completed, failed, cancelled); `task` is the final row. */
  onFinished?(task: Task, attempt: number): Promise<void>;
  /** The attempt failed and will be retried; `error` is already redacted. */
  onRetrying?(task: Task, attempt: number, error: { code: string; message: string }): Promise<void>;
}
