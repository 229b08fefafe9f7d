import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Queue } from "bullmq";
import { Hono } from "hono";
import { adminAuth } from "../security/admin-auth.ts";

type BoardServerAdapter = Parameters<typeof createBullBoard>[0]["serverAdapter"];

export const QUEUE_DASHBOARD_PATH = "/admin/queues";

/**
 * The bull-board queue dashboard behind the admin key (Bearer, or Basic with the key as password
 * so a browser can log in). Mount: `app.route(QUEUE_DASHBOARD_PATH, createQueueDashboard(…))`.
 */
export function createQueueDashboard(options: {
  queues: readonly Queue[];
  adminKeys: () => readonly string[];
  basePath?: string;
}): Hono {
  const basePath = options.basePath ?? QUEUE_DASHBOARD_PATH;
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(basePath);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue)),
    // @bull-board/hono 9.10.1 pins its own @bull-board/api 9.10.1: same shape, separate declarations.
    serverAdapter: serverAdapter as unknown as BoardServerAdapter,
    options: { uiConfig: { boardTitle: "Cloud Agent queues" } },
  });
  const app = new Hono();
  app.use("*", adminAuth({ keys: options.adminKeys, realm: "cloud-agent queues" }));
  app.route("/", serverAdapter.registerPlugin());
  return app;
}
