import Bottleneck from "bottleneck";
import type { ProbotOctokit } from "probot";

type OctokitClass = typeof ProbotOctokit;
type OctokitOptions = { throttle?: Record<string, unknown> } & Record<string, unknown>;

export interface WriteBucket {
  /** Writes of one installation that may go out back to back. */
  readonly burst: number;
  /** Sustained spacing once the burst is used. */
  readonly intervalMs: number;
}

/**
 * Octokit's throttling spaces one installation's writes 1 s apart and its notification-triggering
 * writes (comments, pull requests) 3 s apart. A command's first feedback is two or three writes, so
 * the progress comment of a second command in the same repository waited up to 3 s. Here both are a
 * token bucket per installation instead: `burst` writes at once, then one per `intervalMs`. This
 * is the per-process fallback; the shared cap across processes is githubWriteLimitPlugin (Redis),
 * with the same bucket, so the rate stays well under GitHub's 80 content-creating requests a minute.
 */
export function withWriteSpacing(Octokit: OctokitClass, bucket: WriteBucket): OctokitClass {
  const options = {
    maxConcurrent: null,
    minTime: 0,
    reservoir: bucket.burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: bucket.intervalMs,
    reservoirIncreaseMaximum: bucket.burst,
  };
  const write = new Bottleneck.Group({ id: "cloud-agent-write", ...options });
  const notifications = new Bottleneck.Group({ id: "cloud-agent-notifications", ...options });
  const Base = Octokit as unknown as new (options?: OctokitOptions) => object;
  class SpacedOctokit extends Base {
    constructor(options: OctokitOptions = {}) {
      // The throttling plugin reads its limiters from the options it is constructed with.
      super({ ...options, throttle: { ...options.throttle, write, notifications } });
    }
  }
  return SpacedOctokit as unknown as OctokitClass;
}
