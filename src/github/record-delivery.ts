import { sql } from "kysely";
import type { DbOrTrx } from "../db/database.ts";
import { toDeliveryWorkJson, type DeliveryWork } from "./delivery-work.ts";

/** What became of a delivery (stored in webhook_deliveries.outcome). */
export type DeliveryOutcome =
  "accepted" | "task_created" | "task_waiting" | "stopped" | "help" | "refused" | "invalid_config" | "failed";

/** How long the process that answered a command owns it before another may resume it (COMMAND_LEASE). */
export const DEFAULT_DELIVERY_LEASE_MS = 5 * 60 * 1000;

function leaseUntil(leaseMs: number) {
  return sql<Date>`now() + ${sql.lit(`${Math.round(leaseMs)} milliseconds`)}::interval`;
}

/**
 * Records an X-GitHub-Delivery id; false when it was seen before (a redelivery), so the caller does
 * nothing a second time. One INSERT … ON CONFLICT DO NOTHING: safe across replicas. A command's
 * row also keeps its work and a lease (see resumeAcceptedDeliveries).
 */
export async function recordDelivery(
  db: DbOrTrx,
  delivery: { id: string; event: string; action: string | null },
  work?: DeliveryWork,
  leaseMs = DEFAULT_DELIVERY_LEASE_MS,
): Promise<boolean> {
  const inserted = await db
    .insertInto("webhook_deliveries")
    .values({
      delivery_id: delivery.id,
      event: delivery.event,
      action: delivery.action,
      outcome: "accepted",
      ...(work === undefined
        ? {}
        : {
            work: JSON.stringify(toDeliveryWorkJson(work)),
            lease_until: leaseUntil(leaseMs),
          }),
    })
    .onConflict((conflict) => conflict.column("delivery_id").doNothing())
    .returning("delivery_id")
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Takes the command of an accepted delivery for one attempt: true only for the caller whose
 * `attempts` matches (fencing), so the process that answered and a process resuming it never both
 * run it. Renews the lease.
 */
export async function claimDelivery(
  db: DbOrTrx,
  deliveryId: string,
  attempts: number,
  leaseMs = DEFAULT_DELIVERY_LEASE_MS,
): Promise<boolean> {
  const claimed = await db
    .updateTable("webhook_deliveries")
    .set({
      attempts: attempts + 1,
      lease_until: leaseUntil(leaseMs),
    })
    .where("delivery_id", "=", deliveryId)
    .where("outcome", "=", "accepted")
    .where("attempts", "=", attempts)
    .returning("delivery_id")
    .executeTakeFirst();
  return claimed !== undefined;
}

export async function setDeliveryOutcome(
  db: DbOrTrx,
  deliveryId: string,
  outcome: DeliveryOutcome,
  taskId: string | null = null,
): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ outcome, ...(taskId === null ? {} : { task_id: taskId }) })
    .where("delivery_id", "=", deliveryId)
    .execute();
}
