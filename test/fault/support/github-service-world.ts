import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { githubAppEnv, WEBHOOK_SECRET } from "../../e2e/github-app-support.ts";
import { startFakeGitHub, type FakeGitHub } from "../../support/fake-github/fake-github-server.ts";
import { sendWebhook } from "../../support/fake-github/send-webhook.ts";
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from "../../support/scripted-model/scripted-model-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { faultEnv } from "./fault-env.ts";
import { startRedisServer, type RedisServer } from "./redis-server.ts";
import { spawnService, type ServiceProcess } from "./service-process.ts";

/**
 * The GitHub App as it runs in production: `cloud-agent serve` (and `worker`) as their own
 * processes (the shipped entry point, LOG_LEVEL=info), PostgreSQL, a private redis-server, and the
 * fake GitHub reached through GHE_HOST and the scripted model (test doubles from test/support) in
 * the calling process, which also sends the signed webhooks. Used by fault tests and benchmarks.
 */
export interface GitHubServiceWorld {
  readonly database: TestDatabase;
  readonly github: FakeGitHub;
  readonly model: ScriptedModelServer;
  readonly baseUrl: string;
  /** The first `cloud-agent serve` process (its log lines are captured). */
  readonly serve: ServiceProcess;
  /** Another `serve` on the same port (after the first one stopped or died). */
  startServe(): Promise<ServiceProcess>;
  startWorker(): Promise<ServiceProcess>;
  deliver(event: string, payload: unknown): ReturnType<typeof sendWebhook>;
  close(): Promise<void>;
}

export async function startGitHubServiceWorld(
  extraEnv: Record<string, string> = {},
): Promise<GitHubServiceWorld> {
  const database = await createTestDatabase();
  const redis: RedisServer = await startRedisServer();
  const github = await startFakeGitHub();
  const model = await startScriptedModelServer();
  const sandboxRoot = await mkdtemp(join(tmpdir(), "github-world-sandboxes-"));
  const { env, baseUrl } = await faultEnv({
    databaseUrl: database.url,
    redisUrl: redis.url,
    extra: {
      ...githubAppEnv(github, model),
      SANDBOX_PROVIDER: "local",
      SANDBOX_ROOT: sandboxRoot,
      CLAUDE_MAX_TURNS: "10",
      ...extraEnv,
    },
  });
  const processes: ServiceProcess[] = [await spawnService("serve", env)];
  async function start(role: "serve" | "worker"): Promise<ServiceProcess> {
    const service = await spawnService(role, env);
    processes.push(service);
    return service;
  }
  return {
    database,
    github,
    model,
    baseUrl,
    serve: processes[0]!,
    startServe: () => start("serve"),
    startWorker: () => start("worker"),
    deliver: (event, payload) =>
      sendWebhook({ url: `${baseUrl}/api/github/webhooks`, secret: WEBHOOK_SECRET, event, payload }),
    async close() {
      for (const service of processes) await service.stop();
      await model.close();
      await github.close();
      await redis.stop();
      await database.destroy();
      await rm(sandboxRoot, { recursive: true, force: true });
      await rm(env.DATA_DIR ?? "", { recursive: true, force: true });
    },
  };
}
