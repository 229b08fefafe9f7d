import type { Logger } from "pino";

/**
 * Runs `run` now (optionally) and then every `intervalMs`, never two at once in this process.
 * A failing run is logged and the schedule goes on. `stop()` clears the timer and waits for a run
 * in progress. The timer does not keep the process alive.
 */
export function startPeriodic(options: {
  name: string;
  intervalMs: number;
  runOnStart: boolean;
  run: () => Promise<unknown>;
  log: Logger;
}): { stop(): Promise<void>; runNow(): Promise<void> } {
  let current: Promise<void> | undefined;
  let stopped = false;

  function runNow(): Promise<void> {
    if (current !== undefined) return current;
    current = options
      .run()
      .then(() => undefined)
      .catch((error: unknown) => options.log.warn({ err: error, job: options.name }, "Periodic job failed"))
      .finally(() => (current = undefined));
    return current;
  }

  const timer = setInterval(() => {
    if (!stopped) void runNow();
  }, options.intervalMs);
  timer.unref();
  if (options.runOnStart) void runNow();

  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
