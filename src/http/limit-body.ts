import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/**
 * Refuses request bodies over `maxSize` bytes (`onTooLarge` throws the 413). A body with a
 * Content-Length (Node's parser holds the body to exactly that length) is judged by the header
 * alone, so the request stays Hono's lightweight Node request and is read later without web
 * streams; a chunked body is counted as it streams (Hono's bodyLimit); no body: nothing to check.
 */
export function limitBody(maxSize: number, onTooLarge: () => never): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize, onError: onTooLarge });
  return (c, next) => {
    if (c.req.header("transfer-encoding") !== undefined) return streamed(c, next);
    const length = c.req.header("content-length");
    if (length !== undefined && Number(length) > maxSize) onTooLarge();
    return next();
  };
}
