import {
  AuthenticationError,
  InvalidArgumentError,
  NotEnoughSpaceError,
  RateLimitError,
  SandboxError as E2bSandboxError,
  SandboxNotFoundError,
  ServiceBusyError,
  TemplateError,
  TimeoutError,
} from "e2b";
import { SandboxError } from "./sandbox-error.ts";

/** What the provider was doing when the SDK threw: decides which code a generic failure gets. */
export type NovitaOperation = "create" | "run" | "file" | "extend" | "destroy";

/**
 * Maps an error thrown by the e2b SDK (talking to Novita) to the sandbox taxonomy. Messages say what
 * the user or operator can do; the SDK's own message is kept as the cause.
 */
export function mapNovitaError(error: unknown, operation: NovitaOperation): unknown {
  if (error instanceof SandboxError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof AuthenticationError) {
    return new SandboxError("sandbox_start_failed", "Novita rejected the API key (check NOVITA_API_KEY).", {
      retryable: false,
      cause: error,
    });
  }
  if (error instanceof RateLimitError || error instanceof ServiceBusyError) {
    return new SandboxError(
      operation === "create" ? "sandbox_start_failed" : "sandbox_gone",
      `Novita is busy or rate-limiting requests; try again shortly (${reason}).`,
      { retryable: true, cause: error },
    );
  }
  if (error instanceof TemplateError || (error instanceof InvalidArgumentError && operation === "create")) {
    return new SandboxError(
      "sandbox_start_failed",
      `Novita could not start the sandbox template; check SANDBOX_TEMPLATE and rebuild it (${reason}).`,
      { retryable: false, cause: error },
    );
  }
  if (error instanceof SandboxNotFoundError) {
    return new SandboxError(
      "sandbox_gone",
      "The Novita sandbox no longer exists (it may have reached its time limit).",
      {
        cause: error,
      },
    );
  }
  if (error instanceof TimeoutError) {
    return operation === "create"
      ? new SandboxError("sandbox_start_failed", `Novita did not start the sandbox in time (${reason}).`, {
          cause: error,
        })
      : new SandboxError("sandbox_timeout", `The Novita sandbox timed out (${reason}).`, { cause: error });
  }
  if (error instanceof NotEnoughSpaceError) {
    return new SandboxError("sandbox_gone", "The Novita sandbox ran out of disk space.", {
      retryable: false,
      cause: error,
    });
  }
  if (operation === "create") {
    return new SandboxError("sandbox_start_failed", `The Novita sandbox could not be started: ${reason}`, {
      cause: error,
    });
  }
  if (error instanceof E2bSandboxError && (operation === "run" || operation === "extend")) {
    return new SandboxError("sandbox_gone", `Lost the Novita sandbox: ${reason}`, { cause: error });
  }
  return error;
}
