import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

/**
 * Guards admin-only routes (/metrics, /admin/queues). Accepts `Authorization: Bearer <key>` (API
 * clients, Prometheus `authorization.credentials`) or HTTP Basic with the key as password (a
 * browser opening the queue dashboard gets the login prompt). Comparison is constant-time.
 */
export function adminAuth(options: { keys: () => readonly string[]; realm?: string }): MiddlewareHandler {
  return async (c, next) => {
    const presented = credentialFrom(c.req.header("authorization"));
    const keys = options.keys().filter((key) => key !== "");
    if (presented !== undefined && keys.some((key) => secretsEqual(presented, key))) {
      await next();
      return;
    }
    c.header("WWW-Authenticate", `Basic realm="${options.realm ?? "cloud-agent admin"}", charset="UTF-8"`);
    return c.json(
      {
        error: {
          code: "unauthorized",
          message: "This page needs the admin key (Authorization header)",
          details: null,
        },
      },
      401,
    );
  };
}

/** The secret in a Bearer or Basic (password part) Authorization header. */
export function credentialFrom(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [, scheme, value] = match;
  if (value === undefined) return undefined;
  if (scheme?.toLowerCase() === "bearer") return value;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/** Constant-time comparison that does not leak the expected length through an early return. */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  const padded = Buffer.alloc(b.length);
  a.copy(padded, 0, 0, Math.min(a.length, b.length));
  return timingSafeEqual(padded, b) && a.length === b.length;
}
