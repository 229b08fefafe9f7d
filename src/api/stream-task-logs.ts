import type { SSEStreamingApi } from "hono/streaming";
import type { TaskEventBus } from "../tasks/task-event-bus.ts";
import type { TaskService } from "../tasks/task.service.ts";
import { isFinalStatus } from "../tasks/task-status.ts";

export interface StreamLogsDeps {
  readonly tasks: Pick<TaskService, "getTask" | "listEvents">;
  readonly eventBus: Pick<TaskEventBus, "subscribe">;
}

export interface StreamLogsOptions {
  readonly afterSeq: number;
  /** Re-read Postgres at least this often (a missed pub/sub message costs at most this delay). */
  readonly pollMs?: number;
  readonly heartbeatMs?: number;
}

const PAGE = 500;

/**
 * Server-sent events of one task: everything after `afterSeq` from Postgres, then live events as
 * the bus announces them, until the task has ended and every event was sent. Each event carries
 * `id: <seq>` so a reconnecting client resumes with Last-Event-ID.
 */
export async function streamTaskLogs(
  deps: StreamLogsDeps,
  taskId: string,
  stream: SSEStreamingApi,
  options: StreamLogsOptions,
): Promise<void> {
  let last = options.afterSeq;
  let wake: (() => void) | undefined;
  let closed = false;
  stream.onAbort(() => {
    closed = true;
    wake?.();
  });
  // Subscribe before the first read, so nothing published during the replay is missed.
  const unsubscribe = await deps.eventBus
    .subscribe(taskId, (event) => {
      if (event.seq > last) wake?.();
    })
    .catch(() => undefined);
  const heartbeat = setInterval(() => {
    stream.write(": keep-alive\n\n").catch(() => undefined);
  }, options.heartbeatMs ?? 15_000);

  try {
    while (!closed) {
      // Task first, then events: if it had ended before the read, its final event is in the read.
      const task = await deps.tasks.getTask(taskId);
      const events = await deps.tasks.listEvents(taskId, last, PAGE);
      for (const event of events) {
        await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
        last = event.seq;
      }
      if (events.length === PAGE) continue;
      if (task === undefined || (events.length === 0 && isFinalStatus(task.status))) {
        await stream.writeSSE({
          event: "end",
          data: JSON.stringify({ status: task?.status ?? null, seq: last }),
        });
        return;
      }
      if (events.length > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 2_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    clearInterval(heartbeat);
    await unsubscribe?.().catch(() => undefined);
  }
}
