import { pino } from "pino";
import { expect } from "vitest";
import { claudeCodeExecutorFrom } from "../../src/execution/create-claude-code-executor.ts";
import type { TaskReporter } from "../../src/execution/executor.ts";
import type { GitAuthProvider } from "../../src/git/git-auth.ts";
import { startGitServer, type GitServer } from "../support/git-server.ts";
import type { ScriptedModelServer } from "../support/scripted-model/scripted-model-server.ts";
import { startScriptedModelServer } from "../support/scripted-model/scripted-model-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { startTestApp, type TestApp } from "../support/test-deps.ts";

/** Secrets the e2e tests plant and then look for everywhere (they must never show up). */
export const GIT_TOKEN = "ghs_e2eGitToken0123456789abcdefghijklmnopq";
export const MODEL_KEY = "sk-ant-e2e-model-key-0123456789abcdef";

export interface AgentWorld {
  readonly database: TestDatabase;
  readonly git: GitServer;
  readonly model: ScriptedModelServer;
  readonly app: TestApp;
  /** Every log line the app and worker wrote (debug level, not redacted by the test logger). */
  logLines(): string;
  close(): Promise<void>;
}

/**
 * The whole stack for one test file: real PostgreSQL + Redis, the HTTP API, a worker with the
 * Claude Code executor and the real local sandbox, the real Claude Code CLI talking to the
 * scripted model (a test double), and a git server that wants GIT_TOKEN.
 */
export async function startAgentWorld(
  env: Record<string, string> = {},
  reporters: TaskReporter[] = [],
): Promise<AgentWorld> {
  const database = await createTestDatabase();
  const git = await startGitServer({ auth: { username: "x-access-token", password: GIT_TOKEN } });
  const model = await startScriptedModelServer();
  const gitAuth: GitAuthProvider = {
    forTask: () => Promise.resolve({ username: "x-access-token", password: GIT_TOKEN }),
  };
  const lines: string[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
  const app = await startTestApp(database, {
    log,
    gitAuth,
    reporters,
    retry: { attempts: 2, backoffMs: 50 },
    env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: MODEL_KEY, CLAUDE_MAX_TURNS: "20", ...env },
    executor: (deps) => claudeCodeExecutorFrom(deps, { agentMaxRetries: 0 }),
  });
  app.startWorker({ concurrency: 2, pollMs: 200 });
  return {
    database,
    git,
    model,
    app,
    logLines: () => lines.join(""),
    async close() {
      await app.close();
      await model.close();
      await git.close();
      await database.destroy();
    },
  };
}

export async function createTask(app: TestApp, body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await app.request("/v1/tasks", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

export async function waitForStatus(
  app: TestApp,
  id: string,
  statuses: readonly string[],
  timeoutMs = 90_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = (await (await app.request(`/v1/tasks/${id}`)).json()) as Record<string, unknown>;
    if (statuses.includes(String(task.status))) return task;
    if (Date.now() > deadline) throw new Error(`Task ${id} stayed ${String(task.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function logsOf(app: TestApp, id: string): Promise<Array<{ type: string; payload: any }>> {
  const body = (await (await app.request(`/v1/tasks/${id}/logs?limit=1000`)).json()) as { data: any[] };
  return body.data;
}
