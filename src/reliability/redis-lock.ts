import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/** Deletes the lock only if this holder still owns it (a slow holder must not free another's lock). */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * Runs `work` in at most one process at a time across all replicas (SET NX PX). Returns
 * `{ ran: false }` when another process holds the lock. The TTL bounds how long a crashed holder
 * blocks the others; pick it longer than one run.
 */
export async function withRedisLock<T>(
  redis: Pick<Redis, "set" | "eval">,
  key: string,
  ttlMs: number,
  work: () => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const token = randomUUID();
  const acquired = await redis.set(key, token, "PX", ttlMs, "NX");
  if (acquired !== "OK") return { ran: false };
  try {
    return { ran: true, result: await work() };
  } finally {
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
