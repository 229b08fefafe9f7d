import { generateKeyPairSync } from "node:crypto";
import { claudeCodeExecutorFrom } from "../../src/execution/create-claude-code-executor.ts";
import { issueCommentPayload } from "../fixtures/github-payloads.ts";
import type { DepsOverrides } from "../../src/deps.ts";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/fake-github-server.ts";
import type { SecondaryLimits } from "../support/fake-github/secondary-rate-limit.ts";
import { sendWebhook } from "../support/fake-github/send-webhook.ts";
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from "../support/scripted-model/scripted-model-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { startTestApp, type TestApp } from "../support/test-deps.ts";

export const WEBHOOK_SECRET = "e2e-webhook-secret-0123456789";
export const INSTALLATION_ID = 77;
const MODEL_KEY = "sk-ant-e2e-github-model-key-0123456789";

/**
 * The environment of a service that is this GitHub App: a fresh App private key, the webhook
 * secret, GitHub Enterprise settings pointing at the fake GitHub, and the scripted model.
 */
export function githubAppEnv(
  github: Pick<FakeGitHub, "host">,
  model: Pick<ScriptedModelServer, "url">,
): Record<string, string> {
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  return {
    APP_ID: "1",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: MODEL_KEY,
  };
}

export interface GitHubWorld {
  readonly database: TestDatabase;
  readonly github: FakeGitHub;
  readonly model: ScriptedModelServer;
  readonly app: TestApp;
  /** Signs and POSTs a webhook to the running app. */
  deliver(event: string, payload: unknown, deliveryId?: string): ReturnType<typeof sendWebhook>;
  close(): Promise<void>;
}

/**
 * The GitHub App end to end: real PostgreSQL and Redis, the web server receiving signed webhooks
 * over HTTP, a worker running the real Claude Code CLI in the local sandbox against the scripted
 * model (a test double), and the fake GitHub (REST + git) the app reaches through GHE_HOST.
 */
export async function startGitHubWorld(
  options: {
    worker?: boolean;
    env?: Record<string, string>;
    /** Default: the real Claude Code executor (without its own model retries). */
    executor?: DepsOverrides["executor"];
    secondaryLimits?: SecondaryLimits;
  } = {},
): Promise<GitHubWorld> {
  const database = await createTestDatabase();
  const github = await startFakeGitHub(
    options.secondaryLimits === undefined ? {} : { secondaryLimits: options.secondaryLimits },
  );
  const model = await startScriptedModelServer();
  const app = await startTestApp(database, {
    retry: { attempts: 2, backoffMs: 50 },
    env: { ...githubAppEnv(github, model), CLAUDE_MAX_TURNS: "20", ...options.env },
    executor: options.executor ?? ((deps) => claudeCodeExecutorFrom(deps, { agentMaxRetries: 0 })),
  });
  if (options.worker !== false) app.startWorker({ concurrency: 2, pollMs: 200 });
  return {
    database,
    github,
    model,
    app,
    deliver: (event, payload, deliveryId) =>
      sendWebhook({
        url: `${app.url}/api/github/webhooks`,
        secret: WEBHOOK_SECRET,
        event,
        payload,
        ...(deliveryId === undefined ? {} : { deliveryId }),
      }),
    async close() {
      await app.close();
      await model.close();
      await github.close();
      await database.destroy();
    },
  };
}

/** An issue_comment.created payload for a repository on the fake GitHub. */
export function commentOn(
  github: FakeGitHub,
  input: {
    owner: string;
    repo: string;
    number: number;
    title: string;
    body: string;
    login: string;
    commentId: number;
    pullRequest?: boolean;
  },
): any {
  const payload = issueCommentPayload({
    body: input.body,
    login: input.login,
    onPullRequest: input.pullRequest ?? false,
    commentId: input.commentId,
  });
  payload.installation = { id: INSTALLATION_ID };
  payload.repository = {
    ...payload.repository,
    name: input.repo,
    full_name: `${input.owner}/${input.repo}`,
    owner: { ...payload.repository.owner, login: input.owner },
    clone_url: `${github.url}/${input.owner}/${input.repo}.git`,
    default_branch: "main",
  };
  payload.issue = { ...payload.issue, number: input.number, title: input.title, body: "See title." };
  return payload;
}

export async function waitUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
  label = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
