/**
 * One error type for the whole service: a closed union of codes, an HTTP status, and whether a
 * retry can help. Task failures store `code` and `message` on the task and show them to the user,
 * so messages are written for the person who asked for the task.
 */

/** Codes a task can fail with (stored on the task, shown in comments and check runs). */
export type TaskFailureCode =
  | "clone_failed"
  | "setup_failed"
  | "agent_failed"
  | "agent_max_turns"
  | "model_api_error"
  | "missing_credentials"
  | "timeout"
  | "cancelled"
  | "push_rejected"
  | "push_failed"
  | "sandbox_start_failed"
  | "sandbox_timeout"
  | "command_timeout"
  | "sandbox_gone"
  | "github_error"
  | "lost_lock"
  | "internal_error";

/** Codes that only occur at the edges (HTTP API, webhooks, config). */
export type EdgeErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "service_unavailable";

export type ErrorCode = TaskFailureCode | EdgeErrorCode;

const httpStatusOf: Record<EdgeErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  service_unavailable: 503,
};

export interface AppErrorOptions {
  readonly retryable?: boolean;
  readonly details?: unknown;
  readonly cause?: unknown;
  /** The executor step that failed (sandbox, clone, setup, agent, commit, push, session). */
  readonly step?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: unknown;
  readonly step: string | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    this.step = options.step;
  }

  get httpStatus(): number {
    return (httpStatusOf as Record<string, number | undefined>)[this.code] ?? 500;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
