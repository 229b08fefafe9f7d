import type { Redis } from "ioredis";
import type { Logger } from "pino";

/**
 * GitHub's secondary rate limit allows about 80 content-creating requests per minute. Octokit's
 * throttling spaces writes 1 s apart, but only inside one process; with many workers and web
 * replicas writing for the same installation that is not enough. This plugin adds a shared limit
 * per installation in Redis: at most `limit` writes per `windowMs` window (default 10 per 10 s, so
 * any 60 s span holds at most 70). Over the limit it waits for the next window. If Redis fails it
 * lets the request through (the per-process spacing still applies) rather than stall reporting.
 */
export interface WriteLimitOptions {
  readonly redis: Pick<Redis, "incr" | "pexpire">;
  readonly log: Logger;
  readonly keyPrefix?: string;
  readonly limit?: number;
  readonly windowMs?: number;
  /** Longest a request waits for a slot before going ahead anyway. Default 2 minutes. */
  readonly maxWaitMs?: number;
}

interface RequestOptionsLike {
  method?: string;
  url?: string;
}

export function githubWriteLimitPlugin(options: WriteLimitOptions) {
  const limit = options.limit ?? 10;
  const windowMs = options.windowMs ?? 10_000;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const prefix = options.keyPrefix ?? "cloud-agent:github-writes";

  async function acquire(installation: string): Promise<void> {
    const started = Date.now();
    for (;;) {
      const window = Math.floor(Date.now() / windowMs);
      const key = `${prefix}:${installation}:${window}`;
      const count = await options.redis.incr(key);
      if (count === 1) await options.redis.pexpire(key, windowMs * 2);
      if (count <= limit) return;
      const wait = (window + 1) * windowMs - Date.now() + Math.floor(Math.random() * 250);
      if (Date.now() + wait - started > maxWaitMs) {
        options.log.warn({ installation, count }, "GitHub write limit wait exceeded; sending anyway");
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    }
  }

  return function githubWriteLimit(
    octokit: {
      hook: { before(name: "request", hook: (options: RequestOptionsLike) => Promise<void>): void };
    },
    octokitOptions: { throttle?: { id?: string }; auth?: unknown } = {},
  ): void {
    const installation = installationOf(octokitOptions);
    octokit.hook.before("request", async (request) => {
      if (!isContentCreating(request)) return;
      try {
        await acquire(installation);
      } catch (error) {
        options.log.warn({ err: error, installation }, "GitHub write limiter unavailable; sending anyway");
      }
    });
  };
}

/** Writes that create or change content; token minting and app-level calls are not counted. */
export function isContentCreating(request: RequestOptionsLike): boolean {
  const method = (request.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return false;
  const path = (request.url ?? "").replace(/^https?:\/\/[^/]+/, "");
  return !/^\/app(\/|$)/.test(path) && !/^\/applications\//.test(path) && path !== "/graphql";
}

function installationOf(octokitOptions: { throttle?: { id?: string }; auth?: unknown }): string {
  const auth = octokitOptions.auth as { installationId?: unknown } | undefined;
  const id = auth?.installationId;
  if (typeof id === "number" || typeof id === "string") return String(id);
  return octokitOptions.throttle?.id ?? "default";
}
