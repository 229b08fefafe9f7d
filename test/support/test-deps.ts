import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { loadConfig, type Config } from "../../src/config.ts";
import { createDeps, type Deps, type DepsOverrides } from "../../src/deps.ts";
import { createHttpApp } from "../../src/http/app.ts";
import { startHttpServer, type HttpServer } from "../../src/http/server.ts";
import { startTaskWorker } from "../../src/queue/start-task-worker.ts";
import type { TaskWorker } from "../../src/queue/task-worker.ts";
import type { TestDatabase } from "./test-db.ts";

export const TEST_API_KEY = "test-admin-key-0123456789abcdef";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A unique BullMQ queue name (one per test file or per test). */
export function uniqueQueueName(label = "test"): string {
  return `ca-${label}-${randomBytes(5).toString("hex")}`;
}

/** A Config for tests: the given database, local Redis, a temp DATA_DIR, the test API key. */
export function createTestConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    DATABASE_URL: undefined,
    REDIS_URL: TEST_REDIS_URL,
    ADMIN_API_KEY: TEST_API_KEY,
    DATA_DIR: mkdtempSync(join(tmpdir(), "cloud-agent-test-")),
    LOG_LEVEL: "silent",
    TASK_BACKOFF_MS: "50",
    ...env,
  });
}

export function silentLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
}

export interface TestApp {
  readonly deps: Deps;
  readonly server: HttpServer;
  readonly url: string;
  /** fetch against the app with the bearer key set (unless headers override it). */
  request(path: string, init?: RequestInit): Promise<Response>;
  startWorker(options?: { concurrency?: number; pollMs?: number }): TaskWorker;
  close(): Promise<void>;
}

/** Deps on a test database + a unique queue, served over HTTP on a random port. */
export async function startTestApp(
  database: TestDatabase | { url: string },
  overrides: DepsOverrides & { env?: Record<string, string | undefined> } = {},
): Promise<TestApp> {
  const config = createTestConfig({ DATABASE_URL: database.url, ...overrides.env });
  const deps = createDeps(config, {
    log: silentLogger(),
    queueName: uniqueQueueName(),
    poolSize: 4,
    ...overrides,
  });
  const server = await startHttpServer({
    app: createHttpApp(deps),
    port: 0,
    host: "127.0.0.1",
    githubWebhooks: deps.githubWebhooks,
    log: deps.log,
  });
  const workers: TaskWorker[] = [];
  return {
    deps,
    server,
    url: server.url,
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${TEST_API_KEY}`);
      return fetch(`${server.url}${path}`, { ...init, headers });
    },
    startWorker(options = {}) {
      const worker = startTaskWorker(deps, {
        concurrency: options.concurrency ?? 2,
        pollMs: options.pollMs ?? 1_000,
      });
      workers.push(worker);
      return worker;
    },
    async close() {
      for (const worker of workers) await worker.close(1_000);
      await server.close();
      if (deps.redis.status === "ready") {
        await deps.queue.queue.obliterate({ force: true }).catch(() => undefined);
      }
      await deps.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
