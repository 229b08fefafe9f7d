import { sql } from "kysely";
import type { Redis } from "ioredis";
import type { Db } from "../db/database.ts";

export interface ComponentHealth {
  ok: boolean;
  latency_ms: number | null;
  error?: string;
}

export interface HealthReport {
  status: "ok" | "degraded";
  db: ComponentHealth;
  redis: ComponentHealth;
}

const TIMEOUT_MS = 2_000;

/** Pings PostgreSQL and Redis, each bounded by a short timeout. */
export async function checkHealth(deps: { db: Db; redis: Redis }): Promise<HealthReport> {
  const [db, redis] = await Promise.all([
    probe(() => sql`select 1`.execute(deps.db)),
    probe(() => deps.redis.ping()),
  ]);
  return { status: db.ok && redis.ok ? "ok" : "degraded", db, redis };
}

async function probe(ping: () => Promise<unknown>): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { ok: true, latency_ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    // A short reason, never a connection string.
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "unreachable") : "unreachable";
    return { ok: false, latency_ms: null, error: message.replace(/\w+:\/\/\S+/g, "[url]") };
  } finally {
    clearTimeout(timer);
  }
}
