import type { Redis } from "ioredis";
import { recoverFailedDeliveries, type RecoverDeliveriesDeps } from "./recover-failed-deliveries.ts";
import { withRedisLock } from "./redis-lock.ts";
import { startPeriodic } from "./start-periodic.ts";

export const DELIVERY_RECOVERY_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Failed-webhook recovery on start and every 15 minutes. Each replica keeps its own timer; a Redis
 * lock lets one run at a time and a run within the last interval makes the others skip.
 */
export function startDeliveryRecovery(
  deps: RecoverDeliveriesDeps & { readonly redis: Pick<Redis, "get" | "set" | "incr" | "pexpire" | "eval"> },
  options: { intervalMs?: number; lockTtlMs?: number } = {},
): { stop(): Promise<void>; runNow(): Promise<void> } {
  const intervalMs = options.intervalMs ?? DELIVERY_RECOVERY_INTERVAL_MS;
  return startPeriodic({
    name: "webhook-delivery-recovery",
    intervalMs,
    runOnStart: true,
    log: deps.log,
    run: async () => {
      const outcome = await withRedisLock(
        deps.redis,
        `${deps.keyPrefix}:lock`,
        options.lockTtlMs ?? 10 * 60 * 1000,
        () => recoverFailedDeliveries(deps, { minIntervalMs: intervalMs * 0.9 }),
      );
      if (outcome.ran && !outcome.result.skippedRun) {
        deps.log.info(
          {
            checked: outcome.result.checked,
            redelivered: outcome.result.redelivered.length,
            skipped: outcome.result.skipped.length,
          },
          "Webhook delivery recovery finished",
        );
      }
    },
  });
}
