import type { Logger } from "pino";
import type { BackgroundWork } from "./background-work.ts";
import type { Db } from "../db/database.ts";
import type { Redactor } from "../security/redact.ts";
import type { TaskService } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";

/** What the webhook handlers need; built once in src/deps.ts (tests pass their own). */
export interface GitHubDeps {
  readonly db: Db;
  readonly tasks: TaskService;
  /** Puts a queued task on the queue (BullMQ job = task id). */
  readonly enqueue: (taskId: string) => Promise<void>;
  /** Cancels a task (queued: removed; running: its worker aborts it). Undefined if it had ended. */
  readonly cancel: (taskId: string, reason: string) => Promise<Task | undefined>;
  /** The link a comment shows for a task (signed task page). */
  readonly taskLink: (taskId: string) => string;
  readonly redactor: Redactor;
  readonly log: Logger;
  /** Work that runs after the webhook response (acknowledgement, task creation). */
  readonly background: BackgroundWork;
  /** How long the process that answered a command owns it (COMMAND_LEASE); default 5 minutes. */
  readonly commandLeaseMs?: number;
  /** The app's own slug (`<slug>[bot]` comments are never commands). */
  readonly appSlug?: string;
}
