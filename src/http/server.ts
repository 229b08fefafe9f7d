import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { NodeMiddleware } from "./node-middleware.ts";

export const WEBHOOK_PATH = "/api/github/webhooks";

export interface HttpServer {
  readonly server: Server;
  /** http://host:port the server listens on. */
  readonly url: string;
  close(): Promise<void>;
}

export interface StartServerOptions {
  readonly app: Hono;
  readonly port: number;
  readonly host?: string;
  readonly githubWebhooks?: NodeMiddleware | undefined;
  readonly log: Logger;
}

/**
 * The Node HTTP server: GitHub webhooks go to Probot's node middleware, everything else to Hono.
 * Timeouts keep a slow client from holding a connection: the request (headers and body) must
 * arrive within 30 s, headers within 10 s; idle keep-alive sockets close after 5 s. Responses
 * (server-sent events) may last as long as they keep writing.
 */
export async function startHttpServer(options: StartServerOptions): Promise<HttpServer> {
  const honoListener = getRequestListener(options.app.fetch);
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    // Probot's manifest setup page (/probot/…) is served by the same middleware while APP_ID is unset.
    const isGitHubPath = path === WEBHOOK_PATH || path === "/probot" || (path ?? "").startsWith("/probot/");
    if (options.githubWebhooks !== undefined && isGitHubPath) {
      void Promise.resolve(
        options.githubWebhooks(request, response, () => void honoListener(request, response)),
      ).catch((error: unknown) => {
        options.log.error({ err: error }, "Webhook middleware failed");
        if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: { code: "internal_error", message: "Internal server error", details: null },
          }),
        );
      });
      return;
    }
    void honoListener(request, response);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.timeout = 0;
  server.maxHeadersCount = 100;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;

  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
        // Open event streams would hold close() forever; clients reconnect elsewhere.
        const force = setTimeout(() => server.closeAllConnections(), 2_000);
      }),
  };
}
