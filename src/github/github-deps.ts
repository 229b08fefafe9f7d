import type { Logger } from "pino";
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
  /** The app's own slug (`<slug>[bot]` comments are never commands). */
  readonly appSlug?: string;
}

/** Promises started by handlers after the response; awaited on shutdown and in tests. */
export interface BackgroundWork {
  run(label: string, work: () => Promise<void>): void;
  /** Resolves when nothing is running. */
  idle(): Promise<void>;
}

export function createBackgroundWork(log: Logger): BackgroundWork {
  const running = new Set<Promise<void>>();
  return {
    run(label, work) {
      const promise = work()
        .catch((error: unknown) => {
          log.error({ err: error, label }, "Background webhook work failed");
        })
        .finally(() => running.delete(promise));
      running.add(promise);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
