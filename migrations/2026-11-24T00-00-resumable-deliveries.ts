import { sql, type Kysely } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one.
// A command's delivery keeps what is needed to finish it (the parsed trigger and command) and a
// lease, so that a process that dies between the webhook answer and the task leaves work another
// process can resume instead of a lost command.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("webhook_deliveries")
    .addColumn("work", "jsonb")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("lease_until", "timestamptz")
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_resumable")
    .on("webhook_deliveries")
    .column("lease_until")
    .where(sql.ref("outcome"), "=", "accepted")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("webhook_deliveries_resumable").execute();
  await db.schema
    .alterTable("webhook_deliveries")
    .dropColumn("work")
    .dropColumn("attempts")
    .dropColumn("lease_until")
    .execute();
}
