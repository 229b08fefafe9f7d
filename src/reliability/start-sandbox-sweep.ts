import { startPeriodic } from "./start-periodic.ts";
import { sweepSandboxes, type SweepSandboxesDeps } from "./sweep-sandboxes.ts";

export const SANDBOX_SWEEP_INTERVAL_MS = 5 * 60 * 1000;

/**
 * The periodic sandbox sweep, in every worker process (it is idempotent, so no lock): on start,
 * for the sandboxes of a worker that crashed before this one started, and then every 5 minutes.
 */
export function startSandboxSweep(
  deps: SweepSandboxesDeps,
  options: { intervalMs?: number; minAgeMs?: number } = {},
): { stop(): Promise<void>; runNow(): Promise<void> } {
  return startPeriodic({
    name: "sandbox-sweep",
    intervalMs: options.intervalMs ?? SANDBOX_SWEEP_INTERVAL_MS,
    runOnStart: true,
    log: deps.log,
    run: () => sweepSandboxes(deps, { minAgeMs: options.minAgeMs ?? 2 * 60 * 1000 }),
  });
}
