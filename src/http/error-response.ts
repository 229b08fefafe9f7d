import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { isAppError } from "../errors.ts";
import type { Redactor } from "../security/redact.ts";

/** The one error envelope: {"error": {"code", "message", "details"}}. */
export function errorJson(
  c: Context,
  status: number,
  code: string,
  message: string,
  details: unknown = null,
) {
  return c.json({ error: { code, message, details } }, status as ContentfulStatusCode);
}

/** Hono onError: AppErrors keep their status; anything unexpected is a 500 without internals. */
export function createErrorHandler(log: Logger, redactor: Redactor) {
  return (error: Error, c: Context) => {
    if (isAppError(error)) {
      const status = error.httpStatus;
      if (status >= 500) log.error({ err: error, path: c.req.path }, "Request failed");
      // The unread rest of a too-large body makes the connection unusable for another request.
      if (status === 413) c.header("Connection", "close");
      return errorJson(
        c,
        status,
        error.code,
        redactor.redact(error.message),
        redactor.redactValue(error.details ?? null),
      );
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : "bad_request";
      return errorJson(c, status, code, redactor.redact(error.message || "Bad request"));
    }
    log.error({ err: error, path: c.req.path, method: c.req.method }, "Unhandled request error");
    return errorJson(c, 500, "internal_error", "Internal server error");
  };
}
