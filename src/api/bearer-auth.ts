import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors.ts";

/** Checks `Authorization: Bearer <key>` in constant time (digests compared, so lengths leak nothing). */
export function bearerAuth(expectedKey: () => string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null || !keysMatch(match[1] ?? "", expectedKey())) {
      c.header("WWW-Authenticate", 'Bearer realm="cloud-agent"');
      throw new AppError(
        "unauthorized",
        "Missing or invalid bearer token (Authorization: Bearer <ADMIN_API_KEY>).",
      );
    }
    await next();
  };
}

export function keysMatch(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
