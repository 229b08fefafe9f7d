import { AppError } from "../errors.ts";

/** The sandbox part of the failure taxonomy (src/errors.ts). */
export type SandboxErrorCode =
  "sandbox_start_failed" | "sandbox_timeout" | "command_timeout" | "sandbox_gone";

/**
 * Whether another attempt can help, by default: a sandbox that failed to start or vanished is usually
 * an infrastructure hiccup; a lifetime or command time limit will be hit again by the same work.
 */
const retryableByDefault: Record<SandboxErrorCode, boolean> = {
  sandbox_start_failed: true,
  sandbox_timeout: false,
  command_timeout: false,
  sandbox_gone: true,
};

export interface SandboxErrorOptions {
  /** Overrides the code's default (e.g. a missing dependency or a bad API key is not retryable). */
  readonly retryable?: boolean;
  readonly cause?: unknown;
  readonly step?: string;
  readonly details?: unknown;
}

/** An AppError raised by a sandbox provider; `message` is written for the person who asked for the task. */
export class SandboxError extends AppError {
  declare readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string, options: SandboxErrorOptions = {}) {
    super(code, message, { ...options, retryable: options.retryable ?? retryableByDefault[code] });
    this.name = "SandboxError";
  }
}

export function isSandboxError(error: unknown): error is SandboxError {
  return error instanceof SandboxError;
}

/** Wraps anything thrown while starting a sandbox, keeping SandboxErrors as they are. */
export function toSandboxStartError(error: unknown, provider: string): SandboxError {
  if (error instanceof SandboxError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new SandboxError("sandbox_start_failed", `The ${provider} sandbox could not be started: ${reason}`, {
    cause: error,
  });
}
