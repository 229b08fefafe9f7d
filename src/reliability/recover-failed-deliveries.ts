import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Db } from "../db/database.ts";
import type { Metrics } from "../observability/metrics.ts";
import { isFailedDelivery, type HookDelivery } from "./hook-delivery.ts";
import { listHookDeliveries, type AppClient } from "./list-hook-deliveries.ts";

export interface RecoverDeliveriesDeps {
  /** An Octokit authenticated as the App (JWT), e.g. `() => probot.auth()`. */
  readonly appClient: () => Promise<AppClient>;
  readonly db: Db;
  readonly redis: Pick<Redis, "get" | "set" | "incr" | "pexpire">;
  readonly log: Logger;
  readonly metrics?: Pick<Metrics, "webhookRedelivery">;
  /** Redis key prefix for the last-check time and per-delivery redelivery counts. */
  readonly keyPrefix: string;
}

export interface RecoverDeliveriesOptions {
  readonly now?: Date;
  /** How far back to look when there is no last check (GitHub redelivers up to 3 days back). */
  readonly maxLookbackMs?: number;
  /** Re-read this much before the last check, for deliveries GitHub listed late. */
  readonly overlapMs?: number;
  readonly maxPages?: number;
  /** Give up on a delivery after this many redeliveries (the service may reject it for good). */
  readonly maxRedeliveries?: number;
  /** Skip the run if another replica completed one less than this long ago. */
  readonly minIntervalMs?: number;
}

export interface RecoverDeliveriesResult {
  readonly checked: number;
  readonly redelivered: string[];
  readonly skipped: { readonly guid: string; readonly reason: "recorded" | "gave_up" }[];
  /** True when a recent run elsewhere made this one unnecessary. */
  readonly skippedRun: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * GitHub never retries a failed webhook delivery. This asks GitHub, as the App, for its recent
 * deliveries and redelivers those that failed and that this service never recorded: the ones lost
 * while it was down or answering errors. Run it under withRedisLock so one replica does it.
 */
export async function recoverFailedDeliveries(
  deps: RecoverDeliveriesDeps,
  options: RecoverDeliveriesOptions = {},
): Promise<RecoverDeliveriesResult> {
  const now = options.now ?? new Date();
  const lastCheckKey = `${deps.keyPrefix}:last-check`;
  // 1. Another replica checked a moment ago: every replica runs this on its own timer.
  const lastCheck = Date.parse((await deps.redis.get(lastCheckKey)) ?? "");
  if (!Number.isNaN(lastCheck) && now.getTime() - lastCheck < (options.minIntervalMs ?? 0)) {
    return { checked: 0, redelivered: [], skipped: [], skippedRun: true };
  }
  // 2. Look back to the last completed check (minus an overlap), never past GitHub's 3-day window.
  const since = sinceTime(lastCheck, now, options);
  // 3. Every delivery attempt since then, newest first.
  const client = await deps.appClient();
  const { deliveries, complete } = await listHookDeliveries(client, {
    since,
    maxPages: options.maxPages ?? 30,
  });
  // 4. Deliveries (by guid) whose attempts all failed: one success means nothing was lost.
  const failed = failedDeliveries(deliveries);
  // 5. Drop the ones this service recorded anyway (it answered slowly, GitHub gave up waiting).
  const recorded = await recordedGuids(deps.db, [...failed.keys()]);
  const redelivered: string[] = [];
  const skipped: Array<{ guid: string; reason: "recorded" | "gave_up" }> = [];
  for (const [guid, attempt] of failed) {
    if (recorded.has(guid)) {
      skipped.push({ guid, reason: "recorded" });
      continue;
    }
    // 6. Count our redeliveries per guid, so a delivery this service keeps refusing stops coming back.
    const count = await countRedelivery(deps, guid, options.maxRedeliveries ?? 5);
    if (count === undefined) {
      skipped.push({ guid, reason: "gave_up" });
      continue;
    }
    try {
      await client.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: attempt.id });
      redelivered.push(guid);
      deps.metrics?.webhookRedelivery("requested");
      deps.log.info(
        { deliveryId: guid, event: attempt.event, statusCode: attempt.status_code, redelivery: count },
        "Failed webhook delivery redelivered",
      );
    } catch (error) {
      deps.metrics?.webhookRedelivery("failed");
      deps.log.warn({ err: error, deliveryId: guid }, "Webhook redelivery request failed");
    }
  }
  // 7. Remember how far we got; an incomplete listing (page cap) keeps the old mark to resume.
  if (complete) await deps.redis.set(lastCheckKey, now.toISOString());
  return { checked: deliveries.length, redelivered, skipped, skippedRun: false };
}

function sinceTime(lastCheck: number, now: Date, options: RecoverDeliveriesOptions): Date {
  const maxLookbackMs = options.maxLookbackMs ?? 3 * DAY_MS - 60 * 60 * 1000;
  const earliest = now.getTime() - maxLookbackMs;
  const from = Number.isNaN(lastCheck) ? earliest : lastCheck - (options.overlapMs ?? 5 * 60 * 1000);
  return new Date(Math.max(earliest, from));
}

/** guid → the newest failed attempt, for guids with no successful attempt. */
export function failedDeliveries(deliveries: readonly HookDelivery[]): Map<string, HookDelivery> {
  const succeeded = new Set(deliveries.filter((d) => !isFailedDelivery(d)).map((d) => d.guid));
  const failed = new Map<string, HookDelivery>();
  for (const delivery of deliveries) {
    if (!isFailedDelivery(delivery) || succeeded.has(delivery.guid)) continue;
    const known = failed.get(delivery.guid);
    if (known === undefined || Date.parse(delivery.delivered_at) > Date.parse(known.delivered_at)) {
      failed.set(delivery.guid, delivery);
    }
  }
  return failed;
}

async function recordedGuids(db: Db, guids: readonly string[]): Promise<Set<string>> {
  if (guids.length === 0) return new Set();
  const rows = await db
    .selectFrom("webhook_deliveries")
    .select("delivery_id")
    .where("delivery_id", "in", guids)
    .execute();
  return new Set(rows.map((row) => row.delivery_id));
}

/** The redelivery number for this guid, or undefined once `max` is reached. */
async function countRedelivery(
  deps: RecoverDeliveriesDeps,
  guid: string,
  max: number,
): Promise<number | undefined> {
  const key = `${deps.keyPrefix}:redelivered:${guid}`;
  const count = await deps.redis.incr(key);
  if (count === 1) await deps.redis.pexpire(key, 3 * DAY_MS);
  return count > max ? undefined : count;
}
