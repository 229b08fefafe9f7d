import { Redis } from "ioredis";
import type { Logger } from "pino";
import { resolveAdminApiKey } from "./api/resolve-admin-api-key.ts";
import type { Config } from "./config.ts";
import { createDb } from "./db/create-db.ts";
import type { Db } from "./db/database.ts";
import { AppError } from "./errors.ts";
import type { TaskExecutor, TaskReporter } from "./execution/executor.ts";
import { claudeCodeExecutorFrom } from "./execution/create-claude-code-executor.ts";
import { createTokenGitAuth } from "./git/create-token-git-auth.ts";
import { createGitHubIntegration } from "./github/create-github-integration.ts";
import type { ResumeDeliveriesResult } from "./github/resume-accepted-deliveries.ts";
import type { GitAuthProvider } from "./git/git-auth.ts";
import type { NodeMiddleware } from "./http/node-middleware.ts";
import { createLogger } from "./observability/logger.ts";
import type { Metrics } from "./observability/metrics.ts";
import { createServiceMetrics } from "./observability/metrics-collectors.ts";
import type { AppClient } from "./reliability/list-hook-deliveries.ts";
import { recordSandboxes } from "./reliability/record-sandboxes.ts";
import { cancelTask } from "./queue/cancel-task.ts";
import { enqueueTask, submitTask } from "./queue/submit-task.ts";
import { createTaskQueue, type RetryPolicy, type TaskQueue } from "./queue/task-queue.ts";
import { createRedactor, type Redactor } from "./security/redact.ts";
import { secretsFromConfig } from "./security/secrets-from-config.ts";
import type { SandboxProvider } from "./sandbox/sandbox.ts";
import { createLazySandboxProvider } from "./sandbox/create-lazy-sandbox-provider.ts";
import { createSandboxProvider } from "./sandbox/create-sandbox-provider.ts";
import { createTaskLink } from "./web/task-link.ts";
import { createTaskEventBus, type TaskEventBus } from "./tasks/task-event-bus.ts";
import { createTaskService, type CreateTaskInput, type TaskService } from "./tasks/task.service.ts";
import type { Task } from "./tasks/task.table.ts";

/** Everything the processes (web, worker) are built from. One instance per process. */
export interface Deps {
  readonly config: Config;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly metrics: Metrics;
  readonly db: Db;
  /** Shared Redis connection (queue, publish). Fails fast while Redis is down. */
  readonly redis: Redis;
  /** Creates a new Redis connection for blocking use (a worker, a subscriber). */
  readonly createRedis: () => Redis;
  readonly queue: TaskQueue;
  readonly tasks: TaskService;
  readonly eventBus: TaskEventBus;
  readonly executor: TaskExecutor;
  readonly sandboxes: SandboxProvider;
  readonly reporters: TaskReporter[];
  readonly gitAuth: GitAuthProvider;
  /** The resolved /v1 bearer key (ADMIN_API_KEY or the generated one). */
  readonly adminApiKey: string;
  /** Node middleware for /api/github/webhooks (the GitHub App), when configured. */
  readonly githubWebhooks: NodeMiddleware | undefined;
  /** The GitHub App authenticated as itself (JWT), when configured: failed-delivery recovery. */
  readonly githubAppClient: (() => Promise<AppClient>) | undefined;
  /** Finishes GitHub commands whose process died after answering the webhook (APP_ID set). */
  readonly resumeGitHubDeliveries: (() => Promise<ResumeDeliveriesResult>) | undefined;
  /** Creates a task and queues it (503 AppError when Redis is down; nothing is left behind). */
  submitTask(input: CreateTaskInput): Promise<Task>;
  /** Queues a held (pending) task, optionally after a delay. Undefined: it has ended. */
  enqueueTask(taskId: string, options?: { delayMs?: number }): Promise<Task | undefined>;
  /** Cancels a live task. Undefined: it had ended (or does not exist). */
  cancelTask(taskId: string, reason?: string): Promise<Task | undefined>;
  /** Lines added to deps.close(), run in reverse order (the GitHub App, sweeps). */
  onClose(close: () => Promise<void>): void;
  close(): Promise<void>;
}

/** What tests (and later wiring) may replace. */
export interface DepsOverrides {
  readonly log?: Logger;
  readonly db?: Db;
  readonly executor?: TaskExecutor | ((deps: Deps) => TaskExecutor);
  readonly sandboxes?: SandboxProvider;
  readonly reporters?: TaskReporter[];
  readonly gitAuth?: GitAuthProvider;
  readonly githubWebhooks?: NodeMiddleware;
  readonly metrics?: Metrics;
  /** BullMQ queue name (tests: one per file). Default "cloud-agent-tasks". */
  readonly queueName?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** PostgreSQL pool size per process. */
  readonly poolSize?: number;
}

export const DEFAULT_QUEUE_NAME = "cloud-agent-tasks";

/** The one composition root. Nothing here fails while PostgreSQL or Redis is down. */
export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  const redactor = createRedactor(secretsFromConfig(config));
  const log = overrides.log ?? createLogger({ level: config.logLevel, redactor });
  const adminApiKey = resolveAdminApiKey(config, log);
  redactor.addSecret(adminApiKey);
  const db =
    overrides.db ??
    createDb(config, {
      ...(overrides.poolSize === undefined ? {} : { poolSize: overrides.poolSize }),
      onPoolError: (error) => log.warn({ err: error }, "PostgreSQL idle connection error"),
    });

  const createRedis = () => {
    const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    connection.on("error", (error) => log.warn({ err: error }, "Redis connection error"));
    return connection;
  };
  // enableOfflineQueue false: while Redis is down, commands fail at once (POST /v1/tasks → 503).
  const redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on("error", (error) => log.warn({ err: error }, "Redis connection error"));

  const queueName = overrides.queueName ?? DEFAULT_QUEUE_NAME;
  const queue = createTaskQueue({
    name: queueName,
    // Its own connection: BullMQ's set-up commands must not fail while Redis is still connecting.
    connection: createRedis(),
    retry: {
      attempts: overrides.retry?.attempts ?? config.taskAttempts,
      backoffMs: overrides.retry?.backoffMs ?? config.taskBackoffMs,
    },
    log,
  });
  const eventBus = createTaskEventBus({
    redis,
    createSubscriber: createRedis,
    prefix: `cloud-agent:${queueName}`,
    log,
  });
  const tasks = createTaskService({ db, redactor, eventBus, log });
  const metrics = overrides.metrics ?? createServiceMetrics(db, queue.queue);
  const closers: Array<() => Promise<void>> = [];
  const tokenGitAuth = createTokenGitAuth(config.github);
  // The GitHub App (APP_ID set: webhooks, reporter, installation tokens) or its setup page.
  const github = createGitHubIntegration({
    config,
    log,
    db,
    tasks,
    redactor,
    enqueueTask: (taskId) => enqueueTask({ tasks, queue, log }, taskId),
    cancelTask: (taskId, reason) => cancelTask({ tasks, queue, log }, taskId, reason),
    taskLink: (taskId) => createTaskLink({ ...config, adminApiKey }, taskId),
    fallbackGitAuth: tokenGitAuth,
    metrics,
    redis,
  });
  closers.push(() => github.close());

  const deps: Deps = {
    config,
    log,
    redactor,
    metrics,
    db,
    redis,
    createRedis,
    queue,
    tasks,
    eventBus,
    executor: unwiredExecutor,
    // Recorded per task and attempt: retries destroy the previous attempt's sandbox, the sweep the rest.
    sandboxes: recordSandboxes(
      overrides.sandboxes ??
        createLazySandboxProvider(config.sandbox.provider, () => createSandboxProvider(config, { log })),
      {
        tasks,
        log,
        metrics,
      },
    ),
    reporters: overrides.reporters ?? (github.reporter === undefined ? [] : [github.reporter]),
    gitAuth: overrides.gitAuth ?? github.gitAuth ?? tokenGitAuth,
    adminApiKey,
    githubWebhooks: overrides.githubWebhooks ?? github.webhooks,
    githubAppClient: github.appClient,
    resumeGitHubDeliveries: github.resumeDeliveries,
    submitTask: (input) => submitTask({ tasks, queue, log }, input),
    enqueueTask: (taskId, options) => enqueueTask({ tasks, queue, log }, taskId, options),
    cancelTask: (taskId, reason) => cancelTask({ tasks, queue, log }, taskId, reason),
    onClose: (close) => closers.push(close),
    async close() {
      for (const close of closers.reverse()) {
        await close().catch((error: unknown) => log.warn({ err: error }, "Closing a component failed"));
      }
      // Live sandboxes and the local provider's shared proxy go with the process.
      await deps.sandboxes
        .close?.()
        .catch((error: unknown) => log.warn({ err: error }, "Closing sandboxes failed"));
      await eventBus.close();
      await queue.close().catch(() => undefined);
      redis.disconnect();
      if (overrides.db === undefined) await db.destroy();
    },
  };
  const executor = overrides.executor;
  return {
    ...deps,
    executor: typeof executor === "function" ? executor(deps) : (executor ?? claudeCodeExecutorFrom(deps)),
  };
}

/** Stands in while the deps object is built; replaced by the real executor below. */
const unwiredExecutor: TaskExecutor = {
  execute() {
    return Promise.reject(
      new AppError("internal_error", "No task executor is configured in this build.", { step: "agent" }),
    );
  },
};
