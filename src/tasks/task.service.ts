import type { Logger } from "pino";
import { AppError } from "../errors.ts";
import type { Db } from "../db/database.ts";
import type { AgentSession, ChangedFile } from "../execution/executor.ts";
import type { Redactor } from "../security/redact.ts";
import { TaskEventInput, type TaskEvent } from "./task-event.ts";
import type { LiveTaskEvent, TaskEventBus } from "./task-event-bus.ts";
import * as repo from "./task.repository.ts";
import type { LiveSandbox } from "./task.repository.ts";
import { sourcesOf } from "./task-status.ts";
import type { NewTask, Task, TaskArtifact, TaskOptions, TaskStatus, TaskUpdate } from "./task.table.ts";

/** What a caller supplies to create a task; status, attempt, seq and timestamps are managed here. */
export type CreateTaskInput = Omit<
  NewTask,
  | "id"
  | "status"
  | "attempt"
  | "last_event_seq"
  | "created_at"
  | "updated_at"
  | "queued_at"
  | "started_at"
  | "finished_at"
  | "options"
> & { id?: string; status?: "pending" | "queued"; options?: TaskOptions };

export interface ListTasksInput {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly status?: TaskStatus | undefined;
  readonly repository?: string | undefined;
}

export interface TransitionOptions {
  /** Narrows the statuses the task may move from (the state machine still applies). */
  readonly from?: readonly TaskStatus[];
  /** Fencing: only while this attempt holds. */
  readonly attempt?: number;
  readonly fields?: TaskUpdate;
  readonly reason?: string;
}

export interface ClaimedAttempt {
  readonly task: Task;
  readonly attempt: number;
  readonly previousStatus: TaskStatus;
}

export interface StoredSession {
  readonly sessionId: string | null;
  readonly relativePath: string;
  readonly content: string;
}

export interface TaskService {
  createTask(input: CreateTaskInput): Promise<Task>;
  getTask(id: string): Promise<Task | undefined>;
  /** Throws AppError not_found. */
  requireTask(id: string): Promise<Task>;
  listTasks(input: ListTasksInput): Promise<{ tasks: Task[]; nextCursor: string | null }>;
  /** Moves the task along the state machine and records a status event; undefined if refused. */
  transition(id: string, to: TaskStatus, options?: TransitionOptions): Promise<Task | undefined>;
  /** New attempt (fencing token): attempt + 1 and status running; undefined once the task ended. */
  claimAttempt(id: string, worker?: string): Promise<ClaimedAttempt | undefined>;
  /** Updates fields only while `attempt` holds and the task runs; false means: stop, you lost it. */
  updateIfAttempt(id: string, attempt: number, fields: TaskUpdate): Promise<boolean>;
  /** True while `attempt` is the task's current attempt and it is running. */
  holdsAttempt(id: string, attempt: number): Promise<boolean>;
  /** Unfenced field update (GitHub ids recorded by the web process). */
  updateFields(id: string, fields: TaskUpdate): Promise<boolean>;
  /** Removes a task that never became visible as queued (enqueue failed). */
  deleteTask(id: string): Promise<boolean>;
  /** Appends a redacted event; returns its seq, or undefined when fenced out (or no such task). */
  appendEvent(id: string, event: TaskEventInput, options?: { attempt?: number }): Promise<number | undefined>;
  listEvents(id: string, afterSeq: number, limit: number): Promise<TaskEvent[]>;
  /** Stores the attempt's changed files and session; false when the attempt no longer holds. */
  saveArtifacts(
    id: string,
    attempt: number,
    files: readonly ChangedFile[],
    session: AgentSession | null,
  ): Promise<boolean>;
  listFiles(id: string): Promise<ChangedFile[]>;
  getSession(id: string): Promise<StoredSession | undefined>;
  recordSandbox(sandbox: { id: string; provider: string; taskId: string; attempt: number }): Promise<void>;
  markSandboxDestroyed(id: string): Promise<void>;
  listLiveSandboxes(filter?: { taskId?: string; createdBefore?: Date }): Promise<LiveSandbox[]>;
}

export interface TaskServiceDeps {
  readonly db: Db;
  readonly redactor: Redactor;
  readonly eventBus: TaskEventBus;
  readonly log: Logger;
}

const REDACTED_FIELDS = ["result", "error_message", "prompt"] as const;

export function createTaskService(deps: TaskServiceDeps): TaskService {
  const { db, redactor, eventBus, log } = deps;

  function publish(...events: LiveTaskEvent[]): void {
    // Live feed only: Postgres already holds the events, readers catch up from it.
    eventBus.publish(...events).catch((error: unknown) => {
      log.warn({ err: error, taskId: events[0]?.taskId }, "Task event publish failed");
    });
  }

  function redactFields(fields: TaskUpdate | undefined): TaskUpdate | undefined {
    if (fields === undefined) return undefined;
    const out: TaskUpdate = { ...fields };
    for (const key of REDACTED_FIELDS) {
      const value = out[key];
      if (typeof value === "string") out[key] = redactor.redact(value);
    }
    return out;
  }

  function statusEvent(task: Task & { prev_status: TaskStatus | null }, reason?: string): LiveTaskEvent {
    return {
      taskId: task.id,
      seq: task.last_event_seq,
      type: "status",
      payload: { from: task.prev_status, to: task.status, ...(reason === undefined ? {} : { reason }) },
      created_at: new Date(task.updated_at).toISOString(),
    };
  }

  async function appendEvent(
    id: string,
    event: TaskEventInput,
    options: { attempt?: number } = {},
  ): Promise<number | undefined> {
    const parsed = TaskEventInput.parse(event);
    const payload = redactor.redactValue(parsed.payload) as Record<string, unknown>;
    const stored = await repo.insertEvent(db, {
      taskId: id,
      type: parsed.type,
      payload,
      attempt: options.attempt,
    });
    if (stored === undefined) return undefined;
    publish({
      taskId: id,
      seq: stored.seq,
      type: parsed.type,
      payload,
      created_at: new Date(stored.created_at).toISOString(),
    });
    return stored.seq;
  }

  async function holdsAttempt(id: string, attempt: number): Promise<boolean> {
    const task = await repo.selectTask(db, id);
    return task !== undefined && task.attempt === attempt && task.status === "running";
  }

  return {
    async createTask(input) {
      const { status = "pending", ...rest } = input;
      const task = await repo.insertTask(db, {
        ...rest,
        id: input.id ?? crypto.randomUUID(),
        options: JSON.stringify(input.options ?? {}),
        prompt: redactor.redact(input.prompt),
        status,
        ...(status === "queued" ? { queued_at: new Date() } : {}),
      });
      if (status === "queued") {
        publish(
          statusEvent({ ...task, last_event_seq: 1, status: "pending", prev_status: null }),
          statusEvent({ ...task, prev_status: "pending" }),
        );
      } else {
        publish(statusEvent({ ...task, prev_status: null }));
      }
      return task;
    },

    getTask: (id) => repo.selectTask(db, id),

    async requireTask(id) {
      const task = await repo.selectTask(db, id);
      if (task === undefined) throw new AppError("not_found", `Task ${id} not found`);
      return task;
    },

    async listTasks(input) {
      const before = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const rows = await repo.selectTasks(db, {
        limit: input.limit + 1,
        status: input.status,
        repository: input.repository,
        before,
      });
      const tasks = rows.slice(0, input.limit);
      const last = tasks.at(-1);
      const nextCursor = rows.length > input.limit && last !== undefined ? encodeCursor(last) : null;
      return { tasks, nextCursor };
    },

    async transition(id, to, options = {}) {
      const fields: TaskUpdate = { ...redactFields(options.fields) };
      if (to === "queued") fields.queued_at ??= new Date();
      if (to === "completed" || to === "failed" || to === "cancelled") fields.finished_at ??= new Date();
      const task = await repo.updateStatus(db, {
        id,
        to,
        from: sourcesOf(to, options.from),
        attempt: options.attempt,
        fields,
        reason: options.reason,
      });
      if (task === undefined) return undefined;
      publish(statusEvent(task, options.reason));
      return stripPrevious(task);
    },

    async claimAttempt(id, worker) {
      const claimed = await repo.incrementAttempt(
        db,
        id,
        worker === undefined ? null : redactor.redact(worker),
      );
      if (claimed === undefined) return undefined;
      const previousStatus = claimed.prev_status;
      const task = stripPrevious(claimed);
      const at = new Date(task.updated_at).toISOString();
      const attemptEvent: LiveTaskEvent = {
        taskId: id,
        seq: task.last_event_seq,
        type: "attempt",
        payload: { attempt: task.attempt, ...(worker === undefined ? {} : { worker }) },
        created_at: at,
      };
      if (previousStatus === "running") publish(attemptEvent);
      else {
        const running = { from: previousStatus, to: "running" };
        publish(
          { taskId: id, seq: task.last_event_seq - 1, type: "status", payload: running, created_at: at },
          attemptEvent,
        );
      }
      return { task, attempt: task.attempt, previousStatus };
    },

    updateIfAttempt: (id, attempt, fields) => repo.updateFenced(db, id, attempt, redactFields(fields) ?? {}),
    holdsAttempt,
    updateFields: (id, fields) => repo.updateTaskFields(db, id, redactFields(fields) ?? {}),
    deleteTask: (id) => repo.deleteTask(db, id),
    appendEvent,

    async listEvents(id, afterSeq, limit) {
      const rows = await repo.selectEvents(db, id, afterSeq, limit);
      return rows.map((row) => ({
        seq: row.seq,
        type: row.type,
        payload: row.payload,
        created_at: new Date(row.created_at).toISOString(),
      }));
    },

    async saveArtifacts(id, attempt, files, session) {
      return db.transaction().execute(async (trx) => {
        // Lock the task row so a newer attempt cannot interleave its own artifacts with ours.
        const task = await trx
          .selectFrom("tasks")
          .select(["attempt", "status"])
          .where("id", "=", id)
          .forUpdate()
          .executeTakeFirst();
        if (task === undefined || task.attempt !== attempt || task.status !== "running") return false;
        const artifacts: repo.NewArtifact[] = files.map((file) => ({
          kind: "file",
          path: file.path,
          change: file.change,
          old_path: file.old_path ?? null,
          additions: file.additions,
          deletions: file.deletions,
          diff: redactor.redact(file.diff),
          content: null,
        }));
        if (session !== null) {
          artifacts.push({
            kind: "session",
            path: session.relativePath,
            change: null,
            old_path: null,
            additions: null,
            deletions: null,
            diff: null,
            content: redactor.redact(session.content),
          });
        }
        await repo.replaceArtifacts(trx, id, session === null ? ["file"] : ["file", "session"], artifacts);
        if (session !== null) {
          await repo.updateTaskFields(trx, id, { agent_session_id: session.id });
        }
        return true;
      });
    },

    async listFiles(id) {
      const rows = await repo.selectArtifacts(db, id, "file");
      return rows.map(toChangedFile);
    },

    async getSession(id) {
      const [row] = await repo.selectArtifacts(db, id, "session");
      if (row === undefined || row.content === null) return undefined;
      const task = await repo.selectTask(db, id);
      return { sessionId: task?.agent_session_id ?? null, relativePath: row.path, content: row.content };
    },

    recordSandbox: (sandbox) => repo.insertSandbox(db, sandbox),
    markSandboxDestroyed: (id) => repo.updateSandboxDestroyed(db, id),
    listLiveSandboxes: (filter) => repo.selectLiveSandboxes(db, filter),
  };
}

function stripPrevious(task: Task & { prev_status?: TaskStatus }): Task {
  const row = { ...task };
  delete row.prev_status;
  return row;
}

function toChangedFile(row: TaskArtifact): ChangedFile {
  return {
    path: row.path,
    change: (row.change ?? "modified") as ChangedFile["change"],
    ...(row.old_path === null ? {} : { old_path: row.old_path }),
    additions: row.additions ?? 0,
    deletions: row.deletions ?? 0,
    diff: row.diff ?? "",
  };
}

/** Opaque cursor: base64url of "<created_at ISO>|<id>" of the last row returned. */
export function encodeCursor(task: Pick<Task, "created_at" | "id">): string {
  return Buffer.from(`${new Date(task.created_at).toISOString()}|${task.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (id === undefined || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new AppError("validation_failed", "cursor is not valid", {
      details: [{ field: "cursor", message: "not a cursor returned by this API" }],
    });
  }
  return { createdAt, id };
}
