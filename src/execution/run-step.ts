import { AppError, isAppError, type TaskFailureCode } from "../errors.ts";
import type { ExecutionStep } from "../tasks/task-event.ts";
import type { ExecutionContext } from "./executor.ts";

/** The failure code a step's unexpected errors get. */
const codeOfStep: Record<string, TaskFailureCode> = {
  sandbox: "sandbox_start_failed",
  clone: "clone_failed",
  setup: "setup_failed",
  agent: "agent_failed",
  commit: "push_failed",
  push: "push_failed",
  session: "internal_error",
};

/**
 * Runs one executor step between `step` events (started → finished | failed) and turns whatever
 * it throws into an AppError naming the step. An abort (cancel, timeout, lost lock) wins over the
 * step's own error: the signal's reason is thrown.
 */
export async function runStep<T>(
  ctx: Pick<ExecutionContext, "emit" | "signal" | "log">,
  step: ExecutionStep,
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  ctx.signal.throwIfAborted();
  await ctx.emit({ type: "step", payload: { step, state: "started" } });
  try {
    const value = await work();
    await ctx.emit({ type: "step", payload: { step, state: "finished", duration_ms: Date.now() - started } });
    return value;
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const failure = toStepError(error, step);
    ctx.log.warn({ step, code: failure.code, err: failure }, "Task step failed");
    await ctx
      .emit({
        type: "step",
        payload: { step, state: "failed", message: failure.message, duration_ms: Date.now() - started },
      })
      .catch(() => undefined);
    throw failure;
  }
}

export async function skipStep(
  ctx: Pick<ExecutionContext, "emit">,
  step: ExecutionStep,
  message: string,
): Promise<void> {
  await ctx.emit({ type: "step", payload: { step, state: "skipped", message } });
}

export function toStepError(error: unknown, step: ExecutionStep): AppError {
  if (isAppError(error)) {
    if (error.step !== undefined) return error;
    return new AppError(error.code, error.message, {
      retryable: error.retryable,
      details: error.details,
      cause: error,
      step,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(codeOfStep[step] ?? "internal_error", `The ${step} step failed: ${message}`, {
    retryable: true,
    cause: error,
    step,
  });
}
