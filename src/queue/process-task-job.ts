import type { Logger } from "pino";
import { AppError, isAppError } from "../errors.ts";
import type { ExecutionContext, ExecutionResult, TaskExecutor, TaskReporter } from "../execution/executor.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { TaskEventInput } from "../tasks/task-event.ts";
import type { TaskEventBus } from "../tasks/task-event-bus.ts";
import type { TaskService } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";
import { abortKindOf } from "./abort-reason.ts";
import { createAttemptControl, type AttemptControl } from "./attempt-control.ts";
import { runReporters } from "./run-reporters.ts";

export interface ProcessDeps {
  readonly tasks: TaskService;
  readonly eventBus: Pick<TaskEventBus, "subscribe">;
  readonly executor: TaskExecutor;
  readonly reporters: readonly TaskReporter[];
  readonly log: Logger;
  readonly metrics?: Pick<Metrics, "taskStarted" | "taskFinished" | "taskRetried" | "lockLost">;
  readonly taskTimeoutMs: number;
  /** How often a running attempt re-reads its row (cancel / takeover fallback). */
  readonly pollMs: number;
  /** Names this worker in the attempt event. */
  readonly workerId: string;
}

export interface JobInput {
  readonly taskId: string;
  /** Attempts BullMQ already counted as failed (0 on the first). */
  readonly attemptsMade: number;
  readonly maxAttempts: number;
  /** Aborted by BullMQ when it could not keep the job lock. */
  readonly lockSignal?: AbortSignal;
  /** Lets the worker abort this attempt on shutdown. */
  readonly onControl?: (control: AttemptControl | undefined) => void;
}

/** What the BullMQ glue does next. */
export type JobOutcome =
  | { readonly kind: "done"; readonly status: "completed" | "failed" | "cancelled" }
  | { readonly kind: "skipped" }
  | { readonly kind: "lost" }
  | { readonly kind: "requeue" }
  | { readonly kind: "retry"; readonly error: AppError }
  | { readonly kind: "fail"; readonly error: AppError };

/** One attempt of one task, from claim to final state. Never throws for task failures. */
export async function processTaskJob(deps: ProcessDeps, job: JobInput): Promise<JobOutcome> {
  const log = deps.log.child({ taskId: job.taskId });

  // 1. Claim a new attempt in Postgres: the fencing token every later write is checked against.
  const claimed = await deps.tasks.claimAttempt(job.taskId, deps.workerId);
  if (claimed === undefined) {
    log.info({}, "Task skipped: it has ended or does not exist");
    return { kind: "skipped" };
  }
  const { attempt } = claimed;
  const task = claimed.task;
  deps.metrics?.taskStarted(Date.now() - new Date(task.queued_at ?? task.created_at).getTime());

  // 2. One abort signal for cancel, timeout, lost lock and shutdown, so the executor stops quickly.
  const control = await createAttemptControl({
    taskId: task.id,
    attempt,
    timeoutMs: (task.options.timeout_seconds ?? 0) * 1000 || deps.taskTimeoutMs,
    pollMs: deps.pollMs,
    tasks: deps.tasks,
    eventBus: deps.eventBus,
    log,
  });
  const onLockLost = () => control.abort("lost_lock");
  job.lockSignal?.addEventListener("abort", onLockLost, { once: true });
  job.onControl?.(control);

  try {
    // 3. Tell observers (progress comment, check run) that work started.
    await runReporters(deps.reporters, log, "onStarted", (r) => r.onStarted?.(task, attempt));

    // 4. Run the executor with fenced emit/update.
    const context = createContext(deps, task, attempt, control, log);
    const result = await deps.executor.execute(context);
    throwIfAborted(control.signal);

    // 5. Keep files and session before the task shows as completed, so its page is whole.
    if (!(await deps.tasks.saveArtifacts(task.id, attempt, result.files, result.session))) {
      return await settleLost(deps, task.id, attempt, log);
    }

    // 6. Observers' success work (PR creation) can still fail the attempt.
    await runReporters(deps.reporters, log, "onSucceeded", (r) => r.onSucceeded?.(task, attempt, result), {
      rethrow: true,
    });

    // 7. Completed, fenced on the attempt (a cancel or takeover in between wins).
    const completed = await deps.tasks.transition(task.id, "completed", {
      attempt,
      from: ["running"],
      fields: completedFields(result),
    });
    if (completed === undefined) return await settleLost(deps, task.id, attempt, log);
    await finish(deps, completed, attempt, log);
    return { kind: "done", status: "completed" };
  } catch (error) {
    return await handleFailure(
      deps,
      job,
      task,
      attempt,
      control.signal.aborted ? control.signal.reason : error,
      log,
    );
  } finally {
    job.lockSignal?.removeEventListener("abort", onLockLost);
    job.onControl?.(undefined);
    await control.stop();
  }
}

function createContext(
  deps: ProcessDeps,
  task: Task,
  attempt: number,
  control: AttemptControl,
  log: Logger,
): ExecutionContext {
  return {
    task,
    attempt,
    signal: control.signal,
    log,
    async emit(event: TaskEventInput) {
      const seq = await deps.tasks.appendEvent(task.id, event, { attempt });
      if (seq === undefined) {
        control.abort("lost_lock");
        throwIfAborted(control.signal);
      }
      await runReporters(deps.reporters, log, "onEvent", (r) => r.onEvent?.(task, attempt, event));
    },
    async update(fields) {
      if (!(await deps.tasks.updateIfAttempt(task.id, attempt, fields))) {
        const current = await deps.tasks.getTask(task.id);
        control.abort(current?.status === "cancelled" ? "cancelled" : "lost_lock");
        throwIfAborted(control.signal);
      }
    },
  };
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

function completedFields(result: ExecutionResult) {
  return {
    result: result.summary,
    cost_usd: result.costUsd,
    num_turns: result.numTurns,
    duration_ms: result.durationMs === null ? null : Math.round(result.durationMs),
    agent_session_id: result.sessionId,
    commit_sha: result.commitSha,
    ...(result.workBranch === null ? {} : { work_branch: result.workBranch }),
    ...(result.baseBranch === null ? {} : { base_branch: result.baseBranch }),
    error_code: null,
    error_message: null,
    error_step: null,
  };
}

/** Executor errors become AppErrors; unknown ones are internal and worth a retry. */
function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("internal_error", `Unexpected error: ${message}`, { retryable: true, cause: error });
}

async function handleFailure(
  deps: ProcessDeps,
  job: JobInput,
  task: Task,
  attempt: number,
  error: unknown,
  log: Logger,
): Promise<JobOutcome> {
  const kind = abortKindOf(error);
  if (kind === "cancelled") {
    const current = await deps.tasks.getTask(task.id);
    if (current?.status === "cancelled") {
      await finish(deps, current, attempt, log);
      return { kind: "done", status: "cancelled" };
    }
    return { kind: "lost" };
  }
  if (kind === "lost_lock") return settleLost(deps, task.id, attempt, log);
  if (kind === "shutdown") {
    // Back to queued without spending an attempt; the job is re-delivered after the restart.
    await deps.tasks.transition(task.id, "queued", {
      attempt,
      from: ["running"],
      reason: "worker shutting down",
    });
    return { kind: "requeue" };
  }

  const appError = toAppError(error);
  const isFinal = !appError.retryable || job.attemptsMade + 1 >= job.maxAttempts;
  log.warn({ attempt, code: appError.code, step: appError.step, final: isFinal }, "Task attempt failed");
  await deps.tasks
    .appendEvent(
      task.id,
      {
        type: "error",
        payload: {
          code: appError.code,
          message: appError.message,
          retryable: !isFinal,
          ...(appError.step === undefined ? {} : { step: appError.step }),
        },
      },
      { attempt },
    )
    .catch((appendError: unknown) => log.warn({ err: appendError }, "Recording the task error failed"));

  if (!isFinal) {
    const queued = await deps.tasks.transition(task.id, "queued", {
      attempt,
      from: ["running"],
      reason: `attempt ${attempt} failed (${appError.code}); retrying`,
    });
    if (queued === undefined) return settleLost(deps, task.id, attempt, log);
    deps.metrics?.taskRetried(appError.code);
    const redacted = await deps.tasks.getTask(task.id);
    await runReporters(deps.reporters, log, "onRetrying", (r) =>
      r.onRetrying?.(queued, attempt, {
        code: appError.code,
        message: redacted?.error_message ?? appError.message,
      }),
    );
    return { kind: "retry", error: appError };
  }

  const failed = await deps.tasks.transition(task.id, "failed", {
    attempt,
    from: ["running"],
    fields: { error_code: appError.code, error_message: appError.message, error_step: appError.step ?? null },
  });
  if (failed === undefined) return settleLost(deps, task.id, attempt, log);
  await finish(deps, failed, attempt, log);
  return { kind: "fail", error: appError };
}

/** The attempt no longer holds: cancelled meanwhile (finish quietly) or taken over (touch nothing). */
async function settleLost(
  deps: ProcessDeps,
  taskId: string,
  attempt: number,
  log: Logger,
): Promise<JobOutcome> {
  const current = await deps.tasks.getTask(taskId);
  if (current?.status === "cancelled" && current.attempt === attempt) {
    await finish(deps, current, attempt, log);
    return { kind: "done", status: "cancelled" };
  }
  deps.metrics?.lockLost();
  log.warn(
    { attempt, currentAttempt: current?.attempt },
    "Task attempt lost its lock; leaving the task alone",
  );
  return { kind: "lost" };
}

async function finish(deps: ProcessDeps, task: Task, attempt: number, log: Logger): Promise<void> {
  if (task.status === "completed" || task.status === "failed" || task.status === "cancelled") {
    const started = new Date(task.started_at ?? task.created_at).getTime();
    deps.metrics?.taskFinished(task.status, Date.now() - started);
  }
  await runReporters(deps.reporters, log, "onFinished", (r) => r.onFinished?.(task, attempt));
}
