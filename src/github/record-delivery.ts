import type { DbOrTrx } from "../db/database.ts";

/** What became of a delivery (stored in webhook_deliveries.outcome). */
export type DeliveryOutcome =
  "accepted" | "task_created" | "task_waiting" | "stopped" | "help" | "refused" | "invalid_config" | "failed";

/**
 * Records an X-GitHub-Delivery id; false when it was seen before (a redelivery), so the caller does
 * nothing a second time. One INSERT … ON CONFLICT DO NOTHING: safe across replicas.
 */
export async function recordDelivery(
  db: DbOrTrx,
  delivery: { id: string; event: string; action: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto("webhook_deliveries")
    .values({ delivery_id: delivery.id, event: delivery.event, action: delivery.action, outcome: "accepted" })
    .onConflict((conflict) => conflict.column("delivery_id").doNothing())
    .returning("delivery_id")
    .executeTakeFirst();
  return inserted !== undefined;
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
