import type { Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import type { Logger } from "pino";
import type { TaskEventBus } from "../tasks/task-event-bus.ts";
import type { TaskService } from "../tasks/task.service.ts";
import { buildLiveMessage, changesDiff, SUMMARY_EVENT_TYPES } from "./build-live-message.ts";
import { TERMINAL_STATUSES } from "./render-task-summary.ts";
import type { RenderMarkdown } from "./render-transcript.ts";

/** Events read per query; a long backlog goes out in batches. */
const STREAM_BATCH = 500;

export interface StreamDeps {
  tasks: Pick<TaskService, "getTask" | "listEvents" | "listFiles">;
  events: Pick<TaskEventBus, "subscribe">;
  log: Logger;
  markdown: RenderMarkdown;
  /** Heartbeat and safety poll interval. Default 15 s. */
  heartbeatMs?: number;
}

/**
 * Server-Sent Events for one task page. Postgres is the source of truth: a bus message only wakes
 * the stream, which then reads every event after the last one it sent. So events are sent once, in
 * seq order, with `id: seq`, whether the bus delivered, dropped or reordered them; a reconnecting
 * browser resumes from Last-Event-ID. When the task has ended and every event is sent, an `end`
 * event tells the page to stop.
 */
export function streamTaskEvents(c: Context, deps: StreamDeps, taskId: string, afterSeq: number): Response {
  return streamSSE(c, async (stream) => {
    let lastSeq = afterSeq;
    let dirty = true;
    let closed = false;
    let wake: (() => void) | undefined;
    const poke = () => {
      dirty = true;
      wake?.();
    };
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });

    // 1. Subscribe before the first read, so nothing appended in between is missed.
    const unsubscribe = await deps.events.subscribe(taskId, poke);
    try {
      await stream.writeSSE({ event: "ready", data: "", retry: 1000 });
      while (!closed) {
        // 2. Catch up from the database whenever something may have happened.
        if (dirty) {
          dirty = false;
          const outcome = await sendNewEvents(stream, deps, taskId, lastSeq, (seq) => (lastSeq = seq));
          if (outcome === "finished") {
            await stream.writeSSE({ event: "end", data: String(lastSeq) });
            break;
          }
          // Read again right away after sending: more may have landed, or the task may have ended.
          if (outcome === "sent") {
            dirty = true;
            continue;
          }
        }
        // 3. Sleep until the bus pokes us; a heartbeat keeps proxies from closing an idle stream and
        //    doubles as a poll in case a bus message was lost.
        const timedOut = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), deps.heartbeatMs ?? 15_000);
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
          if (dirty || closed) wake();
        });
        wake = undefined;
        if (timedOut && !closed) {
          await stream.write(": keep-alive\n\n");
          dirty = true;
        }
      }
    } catch (error) {
      if (!closed) deps.log.warn({ err: error, taskId }, "Task event stream failed");
    } finally {
      await unsubscribe().catch(() => undefined);
    }
  });
}

/** Sends every stored event after `afterSeq`; "finished" when the task has ended and all is sent. */
async function sendNewEvents(
  stream: SSEStreamingApi,
  deps: StreamDeps,
  taskId: string,
  afterSeq: number,
  advance: (seq: number) => void,
): Promise<"sent" | "idle" | "finished"> {
  const events = await deps.tasks.listEvents(taskId, afterSeq, STREAM_BATCH);
  for (const event of events) {
    const task = SUMMARY_EVENT_TYPES.has(event.type) ? await deps.tasks.getTask(taskId) : undefined;
    const files = task !== undefined && changesDiff(event) ? await deps.tasks.listFiles(taskId) : undefined;
    const message = buildLiveMessage(event, deps.markdown, { task, files });
    await stream.writeSSE({ id: String(event.seq), event: "task-event", data: JSON.stringify(message) });
    advance(event.seq);
  }
  if (events.length > 0) return "sent";
  const task = await deps.tasks.getTask(taskId);
  return task === undefined || TERMINAL_STATUSES.has(task.status) ? "finished" : "idle";
}
