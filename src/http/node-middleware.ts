import type { IncomingMessage, ServerResponse } from "node:http";

/** A plain Node request handler (Probot's createNodeMiddleware shape); `next` when it does not match. */
export type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: () => void,
) => unknown;
