import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { createNodeMiddleware, Probot } from "probot";
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import type { TaskReporter } from "../execution/executor.ts";
import type { GitAuthProvider } from "../git/git-auth.ts";
import type { NodeMiddleware } from "../http/node-middleware.ts";
import { WEBHOOK_PATH } from "../http/server.ts";
import { createGitHubReporter } from "../report/github-reporter.ts";
import type { Redactor } from "../security/redact.ts";
import type { TaskService } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";
import { createGitHubApp } from "./app.ts";
import { createBackgroundWork } from "./github-deps.ts";
import { createInstallationGitAuth } from "./installation-git-auth.ts";
import { loadSetupMiddleware } from "./load-setup-middleware.ts";

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
    ...(github.gheHost === undefined ? {} : { baseUrl: `${github.gheProtocol}://${github.gheHost}/api/v3` }),
  });
  const background = createBackgroundWork(log);
  const app = createGitHubApp({
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
  });
  const middleware = createNodeMiddleware(app, { probot, webhooksPath: WEBHOOK_PATH });
  middleware.catch((error: unknown) => log.error({ err: error }, "GitHub webhook middleware failed to load"));
  return {
    webhooks: (request, response, next) => middleware.then((handle) => handle(request, response, next)),
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
  };
}
