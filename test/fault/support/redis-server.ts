import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.ts";

/**
 * A private redis-server on a random port with the settings production needs (AOF on, noeviction),
 * so a test can crash and restart it without touching the machine's shared Redis on 6379.
 */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** SIGKILL (a crash: no final save), then start again on the same port and data folder. */
  crashAndRestart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), "fault-redis-"));
  const port = await freePort();
  const auth = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
  const url = `redis://${auth}127.0.0.1:${port}`;
  const extra = options.password === undefined ? [] : ["--requirepass", options.password];
  let child = await launch(dir, port, url, extra);

  return {
    url,
    port,
    async crashAndRestart(downMs) {
      await kill(child, "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch(dir, port, url, extra);
    },
    async stop() {
      await kill(child, "SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(dir: string, port: number, url: string, extra: string[]): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      // Tests crash Redis with SIGKILL; `always` makes that lose nothing (production: everysec).
      "--appendfsync",
      "always",
      "--maxmemory-policy",
      "noeviction",
      "--save",
      "",
      ...extra,
    ],
    { stdio: "ignore" },
  );
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return child;
    } catch {
      client.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
