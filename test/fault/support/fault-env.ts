import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export const FAULT_ADMIN_KEY = "fault-admin-key-0123456789abcdef";

/** The environment of a real service process in a fault test: its own database and Redis. */
export async function faultEnv(options: {
  databaseUrl: string;
  redisUrl: string;
  extra?: Record<string, string>;
}): Promise<{ env: Record<string, string>; port: number; baseUrl: string }> {
  const port = await freePort();
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    ADMIN_API_KEY: FAULT_ADMIN_KEY,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: await mkdtemp(join(tmpdir(), "fault-data-")),
    LOG_LEVEL: "info",
    TASK_BACKOFF_MS: "200",
    TASK_ATTEMPTS: "3",
    SHUTDOWN_GRACE: "2",
    ...options.extra,
  };
  return { env, port, baseUrl: `http://127.0.0.1:${port}` };
}
