import type { Logger } from "pino";
import type { TaskReporter } from "../execution/executor.ts";

/**
 * Calls one hook on every reporter in order. A failing hook is logged and skipped, except when
 * `rethrow` is set (onSucceeded: a PR that could not be opened fails the attempt).
 */
export async function runReporters(
  reporters: readonly TaskReporter[],
  log: Logger,
  hook: keyof TaskReporter,
  call: (reporter: TaskReporter) => Promise<void> | undefined,
  options: { rethrow?: boolean } = {},
): Promise<void> {
  for (const reporter of reporters) {
    try {
      await call(reporter);
    } catch (error) {
      if (options.rethrow === true) throw error;
      log.warn({ err: error, hook }, "Task reporter hook failed");
    }
  }
}
