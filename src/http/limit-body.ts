import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/**
 * Refuses request bodies over `maxSize` bytes (`onTooLarge` throws the 413). A body with a
 * Content-Length (Node's parser holds the body to exactly that length) is judged by the header
 * alone, so the request stays Hono's lightweight Node request and is read later without web
 * streams. Anything else that may carry a body (chunked, or a Request built in-process) is counted
 * as it streams (Hono's bodyLimit); GET and HEAD without either header have none.
 */
export function limitBody(maxSize: number, onTooLarge: () => never): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize, onError: onTooLarge });
  return (c, next) => {
    const length = c.req.header("content-length");
    const chunked = c.req.header("transfer-encoding") !== undefined;
    if (length !== undefined && !chunked) {
      if (Number(length) > maxSize) onTooLarge();
      return next();
    }
    const bodiless = !chunked && (c.req.method === "GET" || c.req.method === "HEAD");
    return bodiless ? next() : streamed(c, next);
  };
}
