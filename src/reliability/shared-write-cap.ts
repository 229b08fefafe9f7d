import type { Redis } from "ioredis";
import type { Logger } from "pino";

/**
 * GitHub's secondary rate limit allows about 80 content-creating requests per minute per
 * installation, and Octokit's own spacing only works inside one process. This keeps one token
 * bucket per installation in Redis, shared by every web replica and worker: a burst of `burst`
 * writes goes out at once (a command's first feedback is two or three writes and must not wait),
 * then one write per `intervalMs` (default: burst 10, one per second, so any 60 s span holds at
 * most 70). Over the limit a write waits for its slot. If Redis fails the write goes ahead rather
 * than stall reporting.
 *
 * The bucket is a GCRA in one Lua script: the key holds the theoretical arrival time (TAT) of the
 * next write, in Redis server time so that every machine agrees on the clock. withWriteSpacing
 * awaits it where Octokit's throttling waits for its own write spacing, before the request takes
 * one of the installation's concurrency slots: writes waiting for the cap never hold up reads.
 */
export interface SharedWriteCapOptions {
  readonly redis: Pick<Redis, "eval">;
  readonly log: Logger;
  readonly keyPrefix?: string;
  /** Writes that may go out back to back. Default 10. */
  readonly burst?: number;
  /** Sustained spacing between writes once the burst is used. Default 1000 ms. */
  readonly intervalMs?: number;
  /** Longest a write waits for a slot before going ahead anyway. Default 2 minutes. */
  readonly maxWaitMs?: number;
}

export interface SharedWriteCap {
  /** Resolves when the installation may send one more content-creating request. */
  acquire(installation: string): Promise<void>;
}

/** KEYS[1] bucket; ARGV interval ms, burst. Returns 0 (go) or the ms to wait before asking again. */
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + interval
local excess = next_tat - now - burst * interval
if excess > 0 then return excess end
redis.call('SET', KEYS[1], next_tat, 'PX', next_tat - now)
return 0
`;

export function createSharedWriteCap(options: SharedWriteCapOptions): SharedWriteCap {
  const burst = options.burst ?? 10;
  const intervalMs = options.intervalMs ?? 1_000;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const prefix = options.keyPrefix ?? "cloud-agent:github-writes";

  async function takeSlots(installation: string): Promise<void> {
    const started = Date.now();
    for (;;) {
      const wait = Number(
        await options.redis.eval(TAKE_SLOT, 1, `${prefix}:${installation}`, intervalMs, burst),
      );
      if (wait <= 0) return;
      if (Date.now() + wait - started > maxWaitMs) {
        options.log.warn({ installation }, "GitHub write limit wait exceeded; sending anyway");
        return;
      }
      // A little jitter so that waiters of one installation do not all ask again at the same moment.
      await new Promise((resolve) => setTimeout(resolve, wait + Math.floor(Math.random() * 50)));
    }
  }

  return {
    async acquire(installation) {
      try {
        await takeSlots(installation);
      } catch (error) {
        options.log.warn({ err: error, installation }, "GitHub write limiter unavailable; sending anyway");
      }
    },
  };
}
