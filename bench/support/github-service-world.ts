import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runJsonChild } from "./json-child.ts";
import { WEBHOOK_SECRET } from "../../test/e2e/github-app-support.ts";
import { faultEnv } from "../../test/fault/support/fault-env.ts";
import { startRedisServer, type RedisServer } from "../../test/fault/support/redis-server.ts";
import { spawnService, type ServiceProcess } from "../../test/fault/support/service-process.ts";
import { startFakeGitHub, type FakeGitHub } from "../../test/support/fake-github/fake-github-server.ts";
import { sendWebhook } from "../../test/support/fake-github/send-webhook.ts";
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from "../../test/support/scripted-model/scripted-model-server.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-db.ts";

/**
 * The GitHub App as it runs in production, for benchmarks: `cloud-agent serve` (and `worker`) as
 * their own processes (the shipped entry point, LOG_LEVEL=info), PostgreSQL, a private
 * redis-server, the fake GitHub reached through GHE_HOST and the scripted model (test doubles from
 * test/support) in the bench process, which also sends the signed webhooks.
 */
export interface GitHubServiceWorld {
  readonly database: TestDatabase;
  readonly github: FakeGitHub;
  readonly model: ScriptedModelServer;
  readonly baseUrl: string;
  /** The `cloud-agent serve` process (its log lines are captured). */
  readonly serve: ServiceProcess;
  startWorker(): Promise<ServiceProcess>;
  deliver(event: string, payload: unknown): ReturnType<typeof sendWebhook>;
  /** Sends every payload at once from a separate process; `ms` is each answer's time from the start. */
  burst(event: string, payloads: readonly unknown[], spreadMs?: number): ReturnType<typeof sendWebhookBurst>;
  close(): Promise<void>;
}

export async function startGitHubServiceWorld(): Promise<GitHubServiceWorld> {
  const database = await createTestDatabase();
  const redis: RedisServer = await startRedisServer();
  const github = await startFakeGitHub();
  const model = await startScriptedModelServer();
  const sandboxRoot = await mkdtemp(join(tmpdir(), "bench-sandboxes-"));
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  const { env, baseUrl } = await faultEnv({
    databaseUrl: database.url,
    redisUrl: redis.url,
    extra: {
      APP_ID: "1",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET,
      GHE_HOST: github.host,
      GHE_PROTOCOL: "http",
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: "sk-ant-bench-model-key-0123456789",
      SANDBOX_PROVIDER: "local",
      SANDBOX_ROOT: sandboxRoot,
      CLAUDE_MAX_TURNS: "10",
    },
  });
  const processes: ServiceProcess[] = [await spawnService("serve", env)];
  return {
    database,
    github,
    model,
    baseUrl,
    serve: processes[0]!,
    async startWorker() {
      const worker = await spawnService("worker", env);
      processes.push(worker);
      return worker;
    },
    deliver: (event, payload) =>
      sendWebhook({ url: `${baseUrl}/api/github/webhooks`, secret: WEBHOOK_SECRET, event, payload }),
    burst: (event, payloads, spreadMs = 0) =>
      sendWebhookBurst({
        url: `${baseUrl}/api/github/webhooks`,
        secret: WEBHOOK_SECRET,
        event,
        payloads,
        spreadMs,
      }),
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

const BURST_CLIENT = fileURLToPath(new URL("./webhook-burst-client.ts", import.meta.url));

/** Sends signed deliveries all at once from a separate process (webhook-burst-client.ts). */
export function sendWebhookBurst(input: {
  url: string;
  secret: string;
  event: string;
  payloads: readonly unknown[];
  spreadMs: number;
}): Promise<Array<{ status: number; ms: number; deliveryId: string }>> {
  return runJsonChild(BURST_CLIENT, input);
}
