import type { Logger } from "pino";
import { extendThrottle, type OctokitClass } from "./extend-throttle.ts";

interface LimitedRequest {
  readonly method?: string;
  readonly url?: string;
}

/** When a rate-limited GitHub call is sent again. */
export interface ThrottleRetryPolicy {
  /** Retries per request, for either kind of limit. */
  readonly maxRetries: number;
  /** Longest `retry-after` worth waiting for a secondary limit, in seconds. */
  readonly maxSecondaryWaitSeconds: number;
  /** Longest wait for the primary (hourly) limit to reset, in seconds; longer waits fail at once. */
  readonly maxPrimaryWaitSeconds: number;
}

export const DEFAULT_THROTTLE_RETRY_POLICY: ThrottleRetryPolicy = {
  maxRetries: 3,
  maxSecondaryWaitSeconds: 120,
  maxPrimaryWaitSeconds: 60,
};

/**
 * The handlers Octokit's throttling plugin calls when GitHub answers with a rate limit. Probot's own
 * only log a secondary limit and give up, so a burst of writes loses comments and check runs. These
 * retry after GitHub's `retry-after` (the plugin waits for it) a bounded number of times, and retry
 * the primary limit only when it resets soon; a long wait fails the call so the task reports it.
 */
export function throttleRetryHandlers(
  log: Logger,
  policy: ThrottleRetryPolicy = DEFAULT_THROTTLE_RETRY_POLICY,
) {
  function decide(
    kind: "secondary" | "primary",
    retryAfter: number,
    request: LimitedRequest,
    retryCount: number,
  ): boolean {
    const maxWait = kind === "secondary" ? policy.maxSecondaryWaitSeconds : policy.maxPrimaryWaitSeconds;
    const retrying = retryCount < policy.maxRetries && retryAfter <= maxWait;
    log.warn(
      { kind, method: request.method, url: request.url, retryAfter, retryCount, retrying },
      "GitHub rate limit hit",
    );
    return retrying;
  }
  return {
    onSecondaryRateLimit: (retryAfter: number, request: LimitedRequest, _octokit: unknown, retryCount = 0) =>
      decide("secondary", retryAfter, request, retryCount),
    onRateLimit: (retryAfter: number, request: LimitedRequest, _octokit: unknown, retryCount = 0) =>
      decide("primary", retryAfter, request, retryCount),
  };
}

/** An Octokit class whose throttling uses throttleRetryHandlers (over whatever Probot sets). */
export function withThrottleRetries(
  Octokit: OctokitClass,
  log: Logger,
  policy: ThrottleRetryPolicy = DEFAULT_THROTTLE_RETRY_POLICY,
): OctokitClass {
  const handlers = throttleRetryHandlers(log, policy);
  return extendThrottle(Octokit, () => handlers);
}
