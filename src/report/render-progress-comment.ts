import type { Task } from "../tasks/task.table.ts";
import type { TodoItem } from "../tasks/task-event.ts";
import { formatDuration } from "./format-duration.ts";
import { limitComment } from "./limit-text.ts";
import { taskMarker } from "./task-marker.ts";

/** What the progress comment says while a task waits or runs. */
export type ProgressState =
  | { readonly phase: "queued"; readonly position: number }
  | { readonly phase: "waiting"; readonly behindTaskId: string }
  | {
      readonly phase: "running";
      readonly step: string;
      readonly detail: string | null;
      readonly todos: readonly TodoItem[];
      readonly elapsedMs: number;
      readonly attempt: number;
    }
  | { readonly phase: "retrying"; readonly attempt: number; readonly reason: string };

const STEP_LABELS: Record<string, string> = {
  queue: "Waiting for a worker",
  sandbox: "Starting the sandbox",
  clone: "Cloning the repository",
  setup: "Running setup commands",
  agent: "Agent at work",
  commit: "Committing changes",
  push: "Pushing",
  session: "Saving the session",
  report: "Reporting",
  cleanup: "Cleaning up",
};

export function stepLabel(step: string): string {
  return STEP_LABELS[step] ?? step;
}

/** The comment shown before the task ends: what was asked, the link, and where the task stands. */
export function renderProgressComment(task: Task, link: string, state: ProgressState): string {
  const lines = [taskMarker(task.id), `**Cloud Agent** ${statusLine(state)}`, "", quoteRequest(task)];
  if (state.phase === "running" && state.todos.length > 0) {
    lines.push("", "**Plan**", ...state.todos.map(renderTodo));
  }
  lines.push("", `[Follow the task live](${link})${footer(state)}`);
  return limitComment(lines.join("\n"), link);
}

function statusLine(state: ProgressState): string {
  switch (state.phase) {
    case "queued":
      return state.position <= 1
        ? "⏳ queued: starting next"
        : `⏳ queued: position ${state.position} in the queue`;
    case "waiting":
      return "⏸ waiting: another task on this conversation is still running; this one starts when it ends";
    case "running": {
      const detail = state.detail === null ? "" : `: ${state.detail}`;
      return `🔄 ${stepLabel(state.step)}${detail}`;
    }
    case "retrying":
      return `🔁 attempt ${state.attempt} failed (${state.reason}); retrying`;
  }
}

function footer(state: ProgressState): string {
  if (state.phase !== "running") return "";
  const attempt = state.attempt > 1 ? ` · attempt ${state.attempt}` : "";
  return ` · ${formatDuration(state.elapsedMs)} elapsed${attempt}`;
}

function renderTodo(item: TodoItem): string {
  const box = item.status === "completed" ? "[x]" : "[ ]";
  const text = item.status === "in_progress" ? `**${item.activeForm ?? item.content}**` : item.content;
  return `- ${box} ${escapeMarkdownLine(text)}`;
}

/** The request, quoted, first 500 characters. */
export function quoteRequest(task: Pick<Task, "prompt" | "requested_by">): string {
  const prompt = task.prompt.length > 500 ? `${task.prompt.slice(0, 500)}…` : task.prompt;
  const who = task.requested_by === null ? "Asked" : `@${task.requested_by} asked`;
  return `${who}:\n${prompt
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n")}`;
}

function escapeMarkdownLine(text: string): string {
  return text.split("\n").join(" ");
}
