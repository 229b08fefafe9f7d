import { sql, type Kysely } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("tasks")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("repository_url", "text", (c) => c.notNull())
    .addColumn("prompt", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending','queued','running','completed','failed','cancelled')`),
    )
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('api','github')`))
    .addColumn("options", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("base_branch", "text")
    .addColumn("work_branch", "text")
    .addColumn("head_sha", "text")
    .addColumn("commit_sha", "text")
    .addColumn("installation_id", "bigint")
    .addColumn("owner", "text")
    .addColumn("repo", "text")
    .addColumn("issue_number", "integer")
    .addColumn("is_pull_request", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("trigger_comment_id", "bigint")
    .addColumn("trigger_kind", "text")
    .addColumn("delivery_id", "text")
    .addColumn("progress_comment_id", "bigint")
    .addColumn("check_run_id", "bigint")
    .addColumn("pr_url", "text")
    .addColumn("pr_number", "integer")
    .addColumn("sandbox_id", "text")
    .addColumn("result", "text")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("error_step", "text")
    .addColumn("cost_usd", "double precision")
    .addColumn("num_turns", "integer")
    .addColumn("duration_ms", "integer")
    .addColumn("agent_session_id", "text")
    .addColumn("resume_session_id", "text")
    .addColumn("claude_code_version", "text")
    .addColumn("attempt", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_event_seq", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("requested_by", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("queued_at", "timestamptz")
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .execute();

  // List pages and /v1/tasks: newest first, optionally by status or repository (cursor = created_at, id).
  await db.schema
    .createIndex("tasks_created_idx")
    .on("tasks")
    .columns(["created_at desc", "id desc"])
    .execute();
  await db.schema
    .createIndex("tasks_status_created_idx")
    .on("tasks")
    .columns(["status", "created_at desc", "id desc"])
    .execute();
  await db.schema
    .createIndex("tasks_repository_created_idx")
    .on("tasks")
    .columns(["repository_url", "created_at desc", "id desc"])
    .execute();
  // One task at a time per issue or PR, and follow-ups find the previous task of a conversation.
  await db.schema
    .createIndex("tasks_conversation_idx")
    .on("tasks")
    .columns(["owner", "repo", "issue_number", "created_at desc"])
    .execute();

  await db.schema
    .createTable("task_events")
    .addColumn("task_id", "uuid", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("task_events_pk", ["task_id", "seq"])
    .execute();

  await db.schema
    .createTable("task_artifacts")
    .addColumn("task_id", "uuid", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('file','session')`))
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("change", "text")
    .addColumn("old_path", "text")
    .addColumn("additions", "integer")
    .addColumn("deletions", "integer")
    .addColumn("diff", "text")
    .addColumn("content", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("task_artifacts_pk", ["task_id", "kind", "path"])
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("delivery_id", "text", (c) => c.primaryKey())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("action", "text")
    .addColumn("task_id", "uuid")
    .addColumn("outcome", "text")
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("installations")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("account_login", "text", (c) => c.notNull())
    .addColumn("account_type", "text")
    .addColumn("repository_selection", "text")
    .addColumn("suspended_at", "timestamptz")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("installations_account_idx")
    .on("installations")
    .column("account_login")
    .execute();

  await db.schema
    .createTable("sandboxes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("task_id", "uuid", (c) => c.references("tasks.id").onDelete("set null"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("destroyed_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("sandboxes_live_idx")
    .on("sandboxes")
    .columns(["destroyed_at", "created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sandboxes").execute();
  await db.schema.dropTable("installations").execute();
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("task_artifacts").execute();
  await db.schema.dropTable("task_events").execute();
  await db.schema.dropTable("tasks").execute();
}
