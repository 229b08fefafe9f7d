import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import type { TaskReporter } from "../execution/executor.ts";
import type { GitAuthProvider } from "../git/git-auth.ts";
import type { NodeMiddleware } from "../http/node-middleware.ts";
import { githubMetricsPlugin } from "../observability/github-metrics-plugin.ts";
import type { Metrics } from "../observability/metrics.ts";
import { createSharedWriteCap } from "../reliability/shared-write-cap.ts";
import { withThrottleRetries } from "./with-throttle-retries.ts";
import { withWriteSpacing } from "./with-write-spacing.ts";
import type { AppClient } from "../reliability/list-hook-deliveries.ts";
import { WEBHOOK_PATH } from "../http/server.ts";
import { createGitHubReporter } from "../report/github-reporter.ts";
import type { Redactor } from "../security/redact.ts";
import type { TaskService } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";
import { createGitHubApp } from "./app.ts";
import type { GitHubDeps } from "./github-deps.ts";
import { resumeAcceptedDeliveries, type ResumeDeliveriesResult } from "./resume-accepted-deliveries.ts";
import { createBackgroundWork } from "./background-work.ts";
import { createInstallationGitAuth } from "./installation-git-auth.ts";
import { loadSetupMiddleware } from "./load-setup-middleware.ts";

/**
 * One installation's content-creating calls: 10 at once, then one a second (any minute holds at
 * most 70 of GitHub's 80), in each process (withWriteSpacing) and across processes (Redis).
 */
const WRITE_BUCKET = { burst: 10, intervalMs: 1_000 };

export interface GitHubIntegrationDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Db;
  readonly tasks: TaskService;
  readonly redactor: Redactor;
  readonly enqueueTask: (taskId: string) => Promise<Task | undefined>;
  readonly cancelTask: (taskId: string, reason?: string) => Promise<Task | undefined>;
  readonly taskLink: (taskId: string) => string;
  /** Git credentials for tasks outside any installation (GITHUB_TOKEN). */
  readonly fallbackGitAuth: GitAuthProvider;
  /** GitHub call metrics (Octokit plugin). */
  readonly metrics?: Metrics;
  /** Shared per-installation write limit across processes (Octokit plugin). */
  readonly redis?: Pick<Redis, "eval">;
}

export interface GitHubIntegration {
  /** Webhooks (APP_ID set) or Probot's manifest setup page (APP_ID unset). */
  readonly webhooks: NodeMiddleware;
  /** Progress comment, check run and PR for tasks of an installation (APP_ID set). */
  readonly reporter: TaskReporter | undefined;
  /** Installation tokens for clone and push (APP_ID set). */
  readonly gitAuth: GitAuthProvider | undefined;
  /** Waits for webhook work that runs after responses. */
  close(): Promise<void>;
  /** An Octokit authenticated as the App (JWT), for failed-delivery recovery (APP_ID set). */
  readonly appClient?: () => Promise<AppClient>;
  /** Finishes commands whose process died after answering their webhook (APP_ID set). */
  readonly resumeDeliveries?: () => Promise<ResumeDeliveriesResult>;
}

/** The GitHub App side of the service, built once by createDeps. */
export function createGitHubIntegration(deps: GitHubIntegrationDeps): GitHubIntegration {
  const { config, log } = deps;
  const github = config.github;
  if (github.appId === undefined) {
    return {
      webhooks: loadSetupMiddleware({ log, port: config.port }),
      reporter: undefined,
      gitAuth: undefined,
      close: () => Promise.resolve(),
    };
  }
  const privateKey = github.privateKey ?? readFileSync(github.privateKeyPath ?? "", "utf8");
  const probot = new Probot({
    appId: github.appId,
    privateKey,
    secret: github.webhookSecret,
    log: log.child({ component: "probot" }),
    // Every GitHub call counted on /metrics; content-creating calls limited per installation.
    Octokit: withThrottleRetries(
      withWriteSpacing(
        ProbotOctokit.plugin(...(deps.metrics === undefined ? [] : [githubMetricsPlugin(deps.metrics)])),
        WRITE_BUCKET,
        deps.redis === undefined
          ? undefined
          : createSharedWriteCap({ redis: deps.redis, log, ...WRITE_BUCKET }),
      ),
      // Rate-limited calls go out again after GitHub's retry-after (Probot's default drops them).
      log.child({ component: "github-throttle" }),
    ),
    ...(github.gheHost === undefined ? {} : { baseUrl: `${github.gheProtocol}://${github.gheHost}/api/v3` }),
  });
  const background = createBackgroundWork(log);
  const githubDeps: GitHubDeps = {
    db: deps.db,
    tasks: deps.tasks,
    enqueue: async (taskId) => {
      await deps.enqueueTask(taskId);
    },
    cancel: (taskId, reason) => deps.cancelTask(taskId, reason),
    taskLink: deps.taskLink,
    redactor: deps.redactor,
    log,
    background,
    commandLeaseMs: github.commandLeaseMs,
  };
  const app = createGitHubApp(githubDeps);
  const middleware = createNodeMiddleware(app, { probot, webhooksPath: WEBHOOK_PATH });
  middleware.catch((error: unknown) => log.error({ err: error }, "GitHub webhook middleware failed to load"));
  return {
    webhooks: (request, response, next) => {
      // Webhook ack latency on /metrics; the event header is unauthenticated, so its label is bounded.
      const started = performance.now();
      const header = request.headers["x-github-event"];
      const event = typeof header === "string" && /^[a-z_]{1,40}$/.test(header) ? header : "other";
      response.once("finish", () =>
        deps.metrics?.webhookAcked(event, performance.now() - started, String(response.statusCode)),
      );
      return middleware.then((handle) => handle(request, response, next));
    },
    reporter: createGitHubReporter({
      db: deps.db,
      tasks: deps.tasks,
      redactor: deps.redactor,
      log,
      taskLink: deps.taskLink,
      octokitFor: (installationId) => probot.auth(installationId),
      enqueue: async (taskId) => {
        await deps.enqueueTask(taskId);
      },
    }),
    gitAuth: createInstallationGitAuth({
      appOctokit: () => probot.auth(),
      redactor: deps.redactor,
      log,
      fallback: deps.fallbackGitAuth,
    }),
    close: () => background.idle(),
    appClient: () => probot.auth(),
    resumeDeliveries: () =>
      resumeAcceptedDeliveries({
        github: githubDeps,
        octokitFor: (installationId) => probot.auth(installationId),
      }),
  };
}
