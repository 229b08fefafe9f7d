import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitServer, type GitServer } from "../../support/git-server.ts";
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from "../../support/scripted-model/scripted-model-server.ts";
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "../../support/test-db.ts";
import { FAULT_ADMIN_KEY, faultEnv } from "./fault-env.ts";
import { startRedisServer, type RedisServer } from "./redis-server.ts";
import { spawnService, type ServiceProcess } from "./service-process.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

export const FAULT_MODEL_KEY = "sk-ant-fault-model-key-0123456789abcdef";
const FINAL = ["completed", "failed", "cancelled"];

/**
 * One fault-test world: a fresh PostgreSQL database reached through a TCP proxy (so a test can
 * "restart" it), a private redis-server (so a test can crash it), the local git server and the
 * scripted model (test doubles from test/support), and real `cloud-agent serve` / `worker`
 * processes running the shipped entry point with the real executor and local sandbox.
 */
export interface FaultWorld {
  readonly database: TestDatabase;
  readonly postgres: TcpProxy;
  readonly redis: RedisServer;
  readonly git: GitServer;
  readonly model: ScriptedModelServer;
  readonly baseUrl: string;
  readonly env: Record<string, string>;
  readonly processes: ServiceProcess[];
  startServe(): Promise<ServiceProcess>;
  startWorker(extra?: Record<string, string>): Promise<ServiceProcess>;
  createTask(body: Record<string, unknown>): Promise<string>;
  task(id: string): Promise<Record<string, unknown> & { status: string; attempt: number }>;
  waitForTask(
    id: string,
    statuses?: readonly string[],
    timeoutMs?: number,
  ): Promise<Record<string, unknown> & { status: string; attempt: number }>;
  /** receive-pack POSTs the git server served for a repository (one per push). */
  pushesTo(repo: string): number;
  close(): Promise<void>;
}

export async function startFaultWorld(extraEnv: Record<string, string> = {}): Promise<FaultWorld> {
  const database = await createTestDatabase();
  const target = new URL(TEST_DATABASE_URL);
  const postgres = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(database.url);
  proxied.port = String(postgres.port);
  const redis = await startRedisServer();
  const git = await startGitServer({ auth: null });
  const model = await startScriptedModelServer();
  const sandboxRoot = await mkdtemp(join(tmpdir(), "fault-sandboxes-"));
  const { env, baseUrl } = await faultEnv({
    databaseUrl: proxied.toString(),
    redisUrl: redis.url,
    extra: {
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: FAULT_MODEL_KEY,
      SANDBOX_PROVIDER: "local",
      SANDBOX_ROOT: sandboxRoot,
      CLAUDE_MAX_TURNS: "10",
      TASK_TIMEOUT: "120",
      ...extraEnv,
    },
  });
  const processes: ServiceProcess[] = [];

  async function task(id: string) {
    return (await database.db
      .selectFrom("tasks")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow()) as unknown as Record<string, unknown> & { status: string; attempt: number };
  }

  return {
    database,
    postgres,
    redis,
    git,
    model,
    baseUrl,
    env,
    processes,
    async startServe() {
      const service = await spawnService("serve", env);
      processes.push(service);
      return service;
    },
    async startWorker(extra = {}) {
      const service = await spawnService("worker", { ...env, ...extra });
      processes.push(service);
      return service;
    },
    async createTask(body) {
      const response = await fetch(`${baseUrl}/v1/tasks`, {
        method: "POST",
        headers: { authorization: `Bearer ${FAULT_ADMIN_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.status !== 201)
        throw new Error(`POST /v1/tasks: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
    task,
    async waitForTask(id, statuses = FINAL, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await task(id);
        if (statuses.includes(row.status)) return row;
        if (Date.now() > deadline)
          throw new Error(`Task ${id} stayed ${row.status} (attempt ${row.attempt})`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    pushesTo(repo) {
      return git.requests.filter(
        (request) => request.method === "POST" && request.path === `/${repo}.git/git-receive-pack`,
      ).length;
    },
    async close() {
      for (const service of processes) await service.stop();
      await model.close();
      await git.close();
      await redis.stop();
      await postgres.close();
      await database.destroy();
      await rm(sandboxRoot, { recursive: true, force: true });
      await rm(env.DATA_DIR ?? "", { recursive: true, force: true });
    },
  };
}
