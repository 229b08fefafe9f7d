import type { ProbotOctokit } from "probot";

export type OctokitClass = typeof ProbotOctokit;
export type OctokitOptions = { throttle?: Record<string, unknown> } & Record<string, unknown>;

/**
 * An Octokit class whose throttling options get `extra(options)` merged in at construction. Probot
 * builds every installation's and every webhook's Octokit from the class it is given, and Octokit's
 * throttling plugin reads its handlers and limiters only from the options it is constructed with.
 */
export function extendThrottle(
  Octokit: OctokitClass,
  extra: (options: OctokitOptions) => Record<string, unknown>,
): OctokitClass {
  const Base = Octokit as unknown as new (options?: OctokitOptions) => object;
  class ThrottledOctokit extends Base {
    constructor(options: OctokitOptions = {}) {
      super({ ...options, throttle: { ...options.throttle, ...extra(options) } });
    }
  }
  return ThrottledOctokit as unknown as OctokitClass;
}
