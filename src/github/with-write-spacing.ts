import Bottleneck from "bottleneck";
import type { SharedWriteCap } from "../reliability/shared-write-cap.ts";
import { extendThrottle, type OctokitClass, type OctokitOptions } from "./extend-throttle.ts";

export interface WriteBucket {
  /** Writes of one installation that may go out back to back. */
  readonly burst: number;
  /** Sustained spacing once the burst is used. */
  readonly intervalMs: number;
}

/** The part of a Bottleneck.Group that Octokit's throttling uses for its write spacing. */
interface WriteGate {
  key(id?: string): { schedule<T>(options: unknown, task: () => Promise<T>): Promise<T> };
}

/**
 * Octokit's throttling spaces one installation's writes 1 s apart and its notification-triggering
 * writes (comments, pull requests) 3 s apart. A command's first feedback is two or three writes, so
 * the progress comment of a second command in the same repository waited up to 3 s. Here both are a
 * token bucket per installation instead: `burst` writes at once, then one per `intervalMs`, in
 * this process, and then the shared cap across processes (Redis, same bucket), so the rate stays
 * well under GitHub's 80 content-creating requests a minute. Both are awaited where the throttling
 * plugin awaits its write spacing: before the request takes one of the installation's 10
 * concurrency slots, so writes waiting for the cap never hold up the installation's reads.
 */
export function withWriteSpacing(
  Octokit: OctokitClass,
  bucket: WriteBucket,
  sharedCap?: SharedWriteCap,
): OctokitClass {
  const options = {
    maxConcurrent: null,
    minTime: 0,
    reservoir: bucket.burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: bucket.intervalMs,
    reservoirIncreaseMaximum: bucket.burst,
  };
  const local = new Bottleneck.Group({ id: "cloud-agent-write", ...options });
  const write: WriteGate = {
    key: (id = "default") => ({
      async schedule(jobOptions, task) {
        await local.key(id).schedule(jobOptions as Bottleneck.JobOptions, () => Promise.resolve());
        await sharedCap?.acquire(id);
        return task();
      },
    }),
  };
  // Comments and pull requests pass the write gate already; no second spacing for them.
  const notifications: WriteGate = { key: () => ({ schedule: (_options, task) => task() }) };
  // The throttling plugin keeps its limits per `throttle.id`. Probot sets it to the installation for
  // `probot.auth(id)` but not for a webhook's `context.octokit`, whose writes would all share one id
  // ("no-id") across every installation; the installation id in its auth options is used instead.
  return extendThrottle(Octokit, (options) => {
    const id = installationOf(options) ?? options.throttle?.id;
    return { ...(id === undefined ? {} : { id }), write, notifications };
  });
}

function installationOf(options: OctokitOptions): string | undefined {
  const auth = options.auth as { installationId?: unknown } | undefined;
  const id = auth?.installationId;
  return typeof id === "number" || typeof id === "string" ? String(id) : undefined;
}
