import type { Kysely, Transaction } from "kysely";
import type {
  InstallationsTable,
  SandboxesTable,
  TaskArtifactsTable,
  TaskEventsTable,
  TasksTable,
  WebhookDeliveriesTable,
} from "../tasks/task.table.ts";

/** Every table the service owns; the same on PostgreSQL and embedded PGlite. */
export interface Database {
  tasks: TasksTable;
  task_events: TaskEventsTable;
  task_artifacts: TaskArtifactsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  installations: InstallationsTable;
  sandboxes: SandboxesTable;
}

export type Db = Kysely<Database>;
/** Repository functions take `db | trx` first. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;
