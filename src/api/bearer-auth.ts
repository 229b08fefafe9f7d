import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors.ts";

/** Checks `Authorization: Bearer <key>` in constant time (digests compared, so lengths leak nothing). */
export function bearerAuth(expectedKey: () => string): MiddlewareHandler {
  // The expected key's digest, computed again only when the key changes.
  let expected = { key: "", digest: digestOf("") };
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = expectedKey();
    if (expected.key !== key) expected = { key, digest: digestOf(key) };
    if (match === null || !timingSafeEqual(digestOf(match[1] ?? ""), expected.digest)) {
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
  return timingSafeEqual(digestOf(given), digestOf(expected));
}

function digestOf(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}
