import { mkdirSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { createDeps, type Deps } from "../../src/deps.ts";
import { createHttpApp } from "../../src/http/app.ts";
import { startHttpServer, type HttpServer } from "../../src/http/server.ts";
import type { TaskService } from "../../src/tasks/task.service.ts";
import { webAccessConfig } from "../../src/web/web-access-config.ts";
import type { AccessConfig } from "../../src/web/web-access.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { createTestConfig, silentLogger, TEST_API_KEY, uniqueQueueName } from "../support/test-deps.ts";

/**
 * Everything a task-page browser test needs, all real: a fresh PostgreSQL database, the process's
 * deps (tasks service, Redis event bus), the web process's HTTP app and server, and headless
 * Chromium. PUBLIC_URL must be the server's own address (pages link with it), so a free port is
 * picked first and the server listens on it.
 */
export interface WebHarness {
  baseUrl: string;
  config: AccessConfig;
  adminKey: string;
  deps: Deps;
  tasks: TaskService;
  testDb: TestDatabase;
  server: HttpServer;
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

/** A port the OS just handed out (bound to port 0, then released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startWebHarness(env: Record<string, string> = {}): Promise<WebHarness> {
  const testDb = await createTestDatabase();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const appConfig = createTestConfig({
    DATABASE_URL: testDb.url,
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    ...env,
  });
  const deps = createDeps(appConfig, {
    db: testDb.db,
    log: silentLogger(),
    queueName: uniqueQueueName("web"),
  });
  const server = await startHttpServer({ app: createHttpApp(deps), port, host: "127.0.0.1", log: deps.log });
  // Playwright gives every launch a fresh temporary --user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return {
    baseUrl,
    config: webAccessConfig(deps),
    adminKey: TEST_API_KEY,
    deps,
    tasks: deps.tasks,
    testDb,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await deps.queue.queue.obliterate({ force: true }).catch(() => undefined);
      await deps.close();
      rmSync(appConfig.dataDir, { recursive: true, force: true });
      await testDb.destroy();
    },
  };
}
