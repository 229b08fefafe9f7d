import { sql } from "kysely";
import type { DbOrTrx } from "../db/database.ts";
import { PREPARED } from "../db/prepared-statements.ts";
import type { NewTask, Task, TaskArtifact, TaskEventRow, TaskStatus, TaskUpdate } from "./task.table.ts";

/** SQL only: every function takes `db | trx` first and returns rows. Logic lives in task.service.ts. */

export interface StoredEvent {
  readonly seq: number;
  readonly created_at: Date;
}

export type TaskWithPrevious = Task & { prev_status: TaskStatus };

/**
 * Inserts a task with its status events in one statement (one commit): `pending` (seq 1), and for a
 * task created queued also pending → queued (seq 2), so every task's log starts the same way.
 */
export async function insertTask(db: DbOrTrx, values: NewTask): Promise<Task> {
  const queued = values.status === "queued";
  const insert = db
    .insertInto("tasks")
    .values({ ...values, last_event_seq: queued ? 2 : 1 })
    .returningAll();
  const first = JSON.stringify({ from: null, to: "pending" });
  const second = JSON.stringify({ from: "pending", to: values.status });
  const result = await sql<Task>`${PREPARED}
    with t as (${insert}),
    e as (
      insert into task_events (task_id, seq, type, payload)
      select t.id, s.seq, 'status', s.payload
      from t cross join (values (1, cast(${first} as jsonb)), (2, cast(${second} as jsonb))) as s (seq, payload)
      where s.seq <= t.last_event_seq
    )
    select * from t`.execute(db);
  return result.rows[0]!;
}

export async function selectTask(db: DbOrTrx, id: string): Promise<Task | undefined> {
  return db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface TaskListQuery {
  readonly limit: number;
  readonly status?: TaskStatus | undefined;
  readonly repository?: string | undefined;
  /** Rows strictly older than this (created_at, id) pair. */
  readonly before?: { readonly createdAt: Date; readonly id: string } | undefined;
}

/** Newest first; keyset pagination on (created_at, id). */
export async function selectTasks(db: DbOrTrx, query: TaskListQuery): Promise<Task[]> {
  let select = db.selectFrom("tasks").selectAll();
  if (query.status !== undefined) select = select.where("status", "=", query.status);
  if (query.repository !== undefined) select = select.where("repository_url", "=", query.repository);
  if (query.before !== undefined) {
    const { createdAt, id } = query.before;
    // The cursor's time is milliseconds, created_at microseconds: compare with the cursor row's exact
    // created_at, so rows created within the same millisecond are neither skipped nor repeated.
    select = select.where(
      sql<boolean>`(created_at, id) < (coalesce((select t.created_at from tasks t where t.id = ${id}), ${createdAt}), ${id})`,
    );
  }
  return select.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}

export interface TransitionQuery {
  readonly id: string;
  readonly to: TaskStatus;
  /** The task must currently be in one of these. */
  readonly from: readonly TaskStatus[];
  /** When set, the task's attempt must equal it (fencing). */
  readonly attempt?: number | undefined;
  readonly fields?: TaskUpdate | undefined;
  readonly reason?: string | undefined;
}

/**
 * Moves a task to `to` if its current status is in `from` (and the attempt holds), recording the
 * status event with the next seq, in one statement. Undefined: the transition was refused.
 */
export async function updateStatus(
  db: DbOrTrx,
  query: TransitionQuery,
): Promise<TaskWithPrevious | undefined> {
  if (query.from.length === 0) return undefined;
  let update = db
    .updateTable("tasks")
    .from(
      db
        .selectFrom("tasks as locked")
        .select("locked.status as prev_status")
        .where("locked.id", "=", query.id)
        .forUpdate()
        .as("prev"),
    )
    .set({
      ...query.fields,
      status: query.to,
      updated_at: sql`now()`,
      last_event_seq: sql`tasks.last_event_seq + 1`,
    })
    .where("tasks.id", "=", query.id)
    .where("tasks.status", "in", query.from);
  if (query.attempt !== undefined) update = update.where("tasks.attempt", "=", query.attempt);
  const returning = update.returningAll("tasks").returning("prev.prev_status");
  const reason = query.reason ?? null;
  const result = await sql<TaskWithPrevious>`
    with t as (${returning}),
    e as (
      insert into task_events (task_id, seq, type, payload)
      select id, last_event_seq, 'status',
        jsonb_strip_nulls(jsonb_build_object('from', prev_status, 'to', status, 'reason', cast(${reason} as text)))
      from t
    )
    select * from t`.execute(db);
  return result.rows[0];
}

/**
 * Starts a new attempt in one statement: attempt + 1, status running, and its events (the status
 * change unless it was running already, then `attempt`). Undefined when the task has ended.
 */
export async function incrementAttempt(
  db: DbOrTrx,
  id: string,
  worker: string | null,
): Promise<TaskWithPrevious | undefined> {
  const update = db
    .updateTable("tasks")
    .from(
      db
        .selectFrom("tasks as locked")
        .select("locked.status as prev_status")
        .where("locked.id", "=", id)
        .forUpdate()
        .as("prev"),
    )
    .set({
      attempt: sql`tasks.attempt + 1`,
      status: "running",
      started_at: sql`coalesce(tasks.started_at, now())`,
      updated_at: sql`now()`,
      last_event_seq: sql`tasks.last_event_seq + case when prev.prev_status = 'running' then 1 else 2 end`,
    })
    .where("tasks.id", "=", id)
    .where("tasks.status", "in", ["pending", "queued", "running"])
    .returningAll("tasks")
    .returning("prev.prev_status");
  const result = await sql<TaskWithPrevious>`${PREPARED}
    with t as (${update}),
    s as (
      insert into task_events (task_id, seq, type, payload)
      select id, last_event_seq - 1, 'status', jsonb_build_object('from', prev_status, 'to', 'running')
      from t where prev_status <> 'running'
    ),
    a as (
      insert into task_events (task_id, seq, type, payload)
      select id, last_event_seq, 'attempt',
        jsonb_strip_nulls(jsonb_build_object('attempt', attempt, 'worker', cast(${worker} as text)))
      from t
    )
    select * from t`.execute(db);
  return result.rows[0];
}

/** Updates fields only while `attempt` holds and the task is running. */
export async function updateFenced(
  db: DbOrTrx,
  id: string,
  attempt: number,
  fields: TaskUpdate,
): Promise<boolean> {
  const result = await db
    .updateTable("tasks")
    .set({ ...fields, updated_at: sql`now()` })
    .where("id", "=", id)
    .where("attempt", "=", attempt)
    .where("status", "=", "running")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Updates fields regardless of attempt (GitHub ids set by the web process before a worker runs). */
export async function updateTaskFields(db: DbOrTrx, id: string, fields: TaskUpdate): Promise<boolean> {
  const result = await db
    .updateTable("tasks")
    .set({ ...fields, updated_at: sql`now()` })
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteTask(db: DbOrTrx, id: string): Promise<boolean> {
  const result = await db.deleteFrom("tasks").where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Appends an event with the task's next seq in one statement (the row lock on the task orders
 * concurrent appends). Undefined: no such task, or `attempt` given and no longer current.
 */
export async function insertEvent(
  db: DbOrTrx,
  event: { taskId: string; type: string; payload: Record<string, unknown>; attempt?: number | undefined },
): Promise<StoredEvent | undefined> {
  const fence = event.attempt === undefined ? sql`` : sql`and attempt = ${event.attempt}`;
  const result = await sql<StoredEvent>`
    with t as (
      update tasks set last_event_seq = last_event_seq + 1
      where id = ${event.taskId} ${fence}
      returning id, last_event_seq
    )
    insert into task_events (task_id, seq, type, payload)
    select id, last_event_seq, ${event.type}, cast(${JSON.stringify(event.payload)} as jsonb) from t
    returning seq, created_at`.execute(db);
  return result.rows[0];
}

export async function selectEvents(
  db: DbOrTrx,
  taskId: string,
  afterSeq: number,
  limit: number,
): Promise<TaskEventRow[]> {
  return db
    .selectFrom("task_events")
    .selectAll()
    .where("task_id", "=", taskId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit)
    .execute();
}

export type NewArtifact = Omit<TaskArtifact, "task_id" | "created_at">;

/** Replaces the task's artifacts of the kinds given (a retry's files replace the last attempt's). */
export async function replaceArtifacts(
  db: DbOrTrx,
  taskId: string,
  kinds: readonly TaskArtifact["kind"][],
  artifacts: readonly NewArtifact[],
): Promise<void> {
  if (kinds.length > 0) {
    await db.deleteFrom("task_artifacts").where("task_id", "=", taskId).where("kind", "in", kinds).execute();
  }
  if (artifacts.length === 0) return;
  await db
    .insertInto("task_artifacts")
    .values(artifacts.map((artifact) => ({ ...artifact, task_id: taskId })))
    .execute();
}

export async function selectArtifacts(
  db: DbOrTrx,
  taskId: string,
  kind: TaskArtifact["kind"],
): Promise<TaskArtifact[]> {
  return db
    .selectFrom("task_artifacts")
    .selectAll()
    .where("task_id", "=", taskId)
    .where("kind", "=", kind)
    .orderBy("path")
    .execute();
}

export async function insertSandbox(
  db: DbOrTrx,
  sandbox: { id: string; provider: string; taskId: string; attempt: number },
): Promise<void> {
  await db
    .insertInto("sandboxes")
    .values({
      id: sandbox.id,
      provider: sandbox.provider,
      task_id: sandbox.taskId,
      attempt: sandbox.attempt,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

export async function updateSandboxDestroyed(db: DbOrTrx, id: string): Promise<void> {
  await db
    .updateTable("sandboxes")
    .set({ destroyed_at: sql`now()` })
    .where("id", "=", id)
    .where("destroyed_at", "is", null)
    .execute();
}

export interface LiveSandbox {
  readonly id: string;
  readonly provider: string;
  readonly task_id: string | null;
  readonly attempt: number;
  readonly task_status: TaskStatus | null;
  readonly task_attempt: number | null;
}

/** Sandboxes not yet destroyed, with their task's status and attempt (for sweeps and retries). */
export async function selectLiveSandboxes(
  db: DbOrTrx,
  filter: { taskId?: string; createdBefore?: Date } = {},
): Promise<LiveSandbox[]> {
  let select = db
    .selectFrom("sandboxes")
    .leftJoin("tasks", "tasks.id", "sandboxes.task_id")
    .select([
      "sandboxes.id",
      "sandboxes.provider",
      "sandboxes.task_id",
      "sandboxes.attempt",
      "tasks.status as task_status",
      "tasks.attempt as task_attempt",
    ])
    .where("sandboxes.destroyed_at", "is", null);
  if (filter.taskId !== undefined) select = select.where("sandboxes.task_id", "=", filter.taskId);
  if (filter.createdBefore !== undefined) {
    select = select.where(sql<boolean>`sandboxes.created_at < ${filter.createdBefore}`);
  }
  return select.orderBy("sandboxes.created_at").execute();
}
