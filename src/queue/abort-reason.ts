import { AppError } from "../errors.ts";

/** Why an execution's signal was aborted; `signal.reason` is an AppError naming it. */
export type AbortKind = "cancelled" | "timeout" | "lost_lock" | "shutdown";

const MESSAGES: Record<AbortKind, string> = {
  cancelled: "The task was cancelled.",
  timeout: "The task ran longer than its time limit.",
  lost_lock: "This worker lost the task to another worker.",
  shutdown: "The worker shut down before the task finished; it will be retried.",
};

export function abortReason(kind: AbortKind, message = MESSAGES[kind]): AppError {
  const code = kind === "shutdown" ? "internal_error" : kind;
  return new AppError(code, message, {
    retryable: kind === "shutdown",
    details: { abort: kind },
  });
}

/** The AbortKind of an aborted signal (or of an error that is a signal's reason). */
export function abortKindOf(value: unknown): AbortKind | undefined {
  const reason: unknown = value instanceof AbortSignal ? (value.aborted ? value.reason : undefined) : value;
  if (!(reason instanceof AppError)) return undefined;
  const details = reason.details as { abort?: AbortKind } | undefined;
  return details?.abort;
}
