import type { ChangedFile } from "../execution/executor.ts";
import type { Task } from "../tasks/task.table.ts";
import { renderDiff } from "./render-diff.ts";
import { renderTaskSummary, TERMINAL_STATUSES } from "./render-task-summary.ts";
import {
  parseEvent,
  renderEventItem,
  renderOrphanResult,
  renderTodo,
  renderToolOutput,
  renderToolState,
  toolDomId,
  type RenderMarkdown,
  type StoredEvent,
} from "./render-transcript.ts";

/**
 * What the page's script does with one live event: DOM operations carrying HTML rendered (and
 * escaped) here on the server, so the browser never builds markup from agent output itself.
 */
export interface LiveOp {
  op: "append" | "replace";
  /** Element id: append inside it, or replace it. */
  target: string;
  html: string;
  /** Applied instead when the target is not on the page. */
  fallback?: LiveOp;
}

export interface LiveMessage {
  seq: number;
  type: string;
  ops: LiveOp[];
}

/** Event types that change the page head (status, cost, links, failure). */
export const SUMMARY_EVENT_TYPES: ReadonlySet<string> = new Set([
  "status",
  "attempt",
  "result",
  "pushed",
  "pull_request",
  "error",
]);

/** True when the diff section should be re-rendered after this event. */
export function changesDiff(event: StoredEvent): boolean {
  if (event.type === "pushed") return true;
  const parsed = parseEvent(event);
  return parsed?.type === "status" && TERMINAL_STATUSES.has(parsed.payload.to);
}

export function buildLiveMessage(
  event: StoredEvent,
  markdown: RenderMarkdown,
  fresh: { task?: Task | undefined; files?: readonly ChangedFile[] | undefined } = {},
): LiveMessage {
  const ops: LiveOp[] = [];
  const parsed = parseEvent(event);
  if (parsed?.type === "tool_result") {
    const domId = toolDomId(parsed.payload.tool_use_id);
    ops.push({
      op: "replace",
      target: `${domId}-out`,
      html: renderToolOutput(domId, parsed.payload).__html,
      fallback: {
        op: "append",
        target: "transcript",
        html: renderOrphanResult(event, parsed.payload).__html,
      },
    });
    ops.push({
      op: "replace",
      target: `${domId}-state`,
      html: renderToolState(domId, parsed.payload).__html,
    });
  } else if (parsed?.type === "todo") {
    ops.push({ op: "replace", target: "todo", html: renderTodo(parsed.payload.items).__html });
  } else {
    const row = renderEventItem(event, markdown);
    if (row !== undefined) ops.push({ op: "append", target: "transcript", html: row.__html });
  }
  if (fresh.task !== undefined) {
    ops.push({ op: "replace", target: "task-summary", html: renderTaskSummary(fresh.task).__html });
  }
  if (fresh.files !== undefined && fresh.task !== undefined) {
    const terminal = TERMINAL_STATUSES.has(fresh.task.status);
    ops.push({ op: "replace", target: "diff", html: renderDiff(fresh.files, terminal).__html });
  }
  return { seq: event.seq, type: event.type, ops };
}
