import Bottleneck from "bottleneck";
import type { ProbotOctokit } from "probot";

type OctokitClass = typeof ProbotOctokit;
type OctokitOptions = { throttle?: Record<string, unknown> } & Record<string, unknown>;

/**
 * Octokit's throttling spaces content-creating calls of one installation 1 s apart. The first
 * feedback on a command is three writes (progress comment, 👀, check run), so at 1 s spacing the
 * last lands after 2 s. Here writes of one installation are spaced `minTimeMs` apart instead; the
 * shared cap across processes (githubWriteLimitPlugin: 10 writes per 10 s per installation) keeps
 * the rate well under GitHub's 80 content-creating requests per minute.
 */
export function withWriteSpacing(Octokit: OctokitClass, minTimeMs: number): OctokitClass {
  const write = new Bottleneck.Group({ id: "cloud-agent-write", maxConcurrent: 1, minTime: minTimeMs });
  const Base = Octokit as unknown as new (options?: OctokitOptions) => object;
  class SpacedOctokit extends Base {
    constructor(options: OctokitOptions = {}) {
      // The throttling plugin reads its write limiter from the options it is constructed with.
      super({ ...options, throttle: { ...options.throttle, write } });
    }
  }
  return SpacedOctokit as unknown as OctokitClass;
}
