/**
 * TEST DOUBLE: GitHub's secondary rate limits, as the fake GitHub applies them. GitHub documents
 * "no more than 100 concurrent requests" and "no more than 80 content-generating requests per
 * minute"; over a limit it answers 403 with `retry-after` and the message below. Each window here is
 * a sliding window per installation (App-level calls count as "app"), and every window is
 * configurable so a test can be stricter than GitHub and still finish in seconds.
 */
export interface SecondaryLimits {
  /** Content-creating requests (POST, PATCH, PUT, DELETE) allowed per window, per installation. */
  readonly content: ReadonlyArray<{ readonly max: number; readonly windowMs: number }>;
  /** Requests in flight at once (all installations). */
  readonly maxConcurrent: number;
}

export const GITHUB_SECONDARY_LIMITS: SecondaryLimits = {
  content: [{ max: 80, windowMs: 60_000 }],
  maxConcurrent: 100,
};

export const SECONDARY_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";

export interface SecondaryLimitHit {
  readonly method: string;
  readonly path: string;
  readonly installation: string;
  readonly reason: "content" | "concurrency";
  readonly at: number;
}

export interface SecondaryRateLimiter {
  /** Call when a request arrives: null to serve it (then call `done`), or the 403 to answer. */
  admit(method: string, path: string, installation: string): null | [number, unknown, Record<string, string>];
  done(): void;
}

export function createSecondaryRateLimiter(
  limits: SecondaryLimits,
  hits: SecondaryLimitHit[],
): SecondaryRateLimiter {
  const writes = new Map<string, number[]>();
  const longest = Math.max(0, ...limits.content.map((window) => window.windowMs));
  let inFlight = 0;

  function refuse(
    method: string,
    path: string,
    installation: string,
    reason: SecondaryLimitHit["reason"],
    retryAfterSeconds: number,
  ): [number, unknown, Record<string, string>] {
    hits.push({ method, path, installation, reason, at: Date.now() });
    return [
      403,
      {
        message: SECONDARY_LIMIT_MESSAGE,
        documentation_url:
          "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      },
      { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    ];
  }

  return {
    admit(method, path, installation) {
      if (inFlight >= limits.maxConcurrent) return refuse(method, path, installation, "concurrency", 1);
      if (isContentCreating(method, path)) {
        const now = Date.now();
        const times = (writes.get(installation) ?? []).filter((at) => at > now - longest);
        for (const window of limits.content) {
          const inWindow = times.filter((at) => at > now - window.windowMs);
          if (inWindow.length >= window.max) {
            writes.set(installation, times);
            const oldest = inWindow[0] ?? now;
            return refuse(method, path, installation, "content", (oldest + window.windowMs - now) / 1000);
          }
        }
        times.push(now);
        writes.set(installation, times);
      }
      inFlight += 1;
      return null;
    },
    done() {
      inFlight -= 1;
    },
  };
}

/** GitHub counts writes; minting installation tokens (App-level) is not content. */
function isContentCreating(method: string, path: string): boolean {
  if (method === "GET" || method === "HEAD") return false;
  return !path.startsWith("/api/v3/app/");
}
