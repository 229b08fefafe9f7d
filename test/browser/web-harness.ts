import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { Redis } from "ioredis";
import { chromium, type Browser } from "playwright-core";
import { pino } from "pino";
import { createRedactor } from "../../src/security/redact.ts";
import { createTaskEventBus, type TaskEventBus } from "../../src/tasks/task-event-bus.ts";
import { createTaskService, type TaskService } from "../../src/tasks/task.service.ts";
import { createWebRoutes } from "../../src/web/create-web-routes.ts";
import type { AccessConfig } from "../../src/web/web-access.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

/**
 * Everything a task-page browser test needs, all real: a fresh PostgreSQL database, Redis pub/sub
 * (the same event bus the worker publishes on), the tasks service, the web routes on an HTTP server
 * on a random port, and headless Chromium.
 */
export interface WebHarness {
  baseUrl: string;
  config: AccessConfig;
  adminKey: string;
  tasks: TaskService;
  testDb: TestDatabase;
  server: ServerType;
  browser: Browser;
  close(): Promise<void>;
}

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-quic",
  "--disable-sync",
];

export const ARTIFACTS_DIR = join(import.meta.dirname, "..", "..", "test-artifacts");

export async function startWebHarness(): Promise<WebHarness> {
  const testDb = await createTestDatabase();
  const log = pino({ level: "silent" });
  const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const subscribers: Redis[] = [];
  const bus: TaskEventBus = createTaskEventBus({
    redis,
    createSubscriber: () => {
      const connection = new Redis("redis://127.0.0.1:6379");
      subscribers.push(connection);
      return connection;
    },
    prefix: `test-web-${randomBytes(4).toString("hex")}`,
    log,
  });
  const tasks = createTaskService({ db: testDb.db, redactor: createRedactor(), eventBus: bus, log });
  const adminKey = `admin-${randomBytes(16).toString("hex")}`;
  const config: { -readonly [K in keyof AccessConfig]: AccessConfig[K] } = {
    publicUrl: "http://127.0.0.1",
    adminApiKey: adminKey,
    taskLinkSecret: undefined,
    taskLinkTtlMs: 60 * 60 * 1000,
  };
  const app = new Hono();
  app.route("/", createWebRoutes({ config, db: testDb.db, events: bus, log }));
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  config.publicUrl = `http://127.0.0.1:${port}`;
  // Playwright gives every launch a fresh temporary --user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return {
    baseUrl: config.publicUrl,
    config,
    adminKey,
    tasks,
    testDb,
    server,
    browser,
    async close() {
      await browser.close();
      (server as Server).closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await bus.close();
      redis.disconnect();
      for (const connection of subscribers) connection.disconnect();
      await testDb.destroy();
    },
  };
}
