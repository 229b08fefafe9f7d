import type { TaskEventInput, TodoItem } from "../tasks/task-event.ts";
import { AssistantMessage, ResultMessage, SystemInit, UserMessage } from "./stream-json.schema.ts";
import { summarizeToolInput, trimToolInput } from "./summarize-tool-input.ts";

/** Tool results longer than this are cut (the agent's own context holds the rest). */
export const MAX_TOOL_OUTPUT_CHARS = 4000;

export interface StreamState {
  readonly sessionId: string | null;
  readonly claudeCodeVersion: string | null;
  readonly result: ResultMessage | null;
  /** The last text the agent wrote (a fallback summary when there is no result message). */
  readonly lastText: string | null;
  readonly lines: number;
}

export interface StreamParser {
  /** Turns one stdout line into the task events it carries (none for blank or unused lines). */
  push(line: string): TaskEventInput[];
  state(): StreamState;
}

/** Parses Claude Code's stream-json output line by line; never throws on odd input. */
export function createStreamParser(options: { workdir?: string } = {}): StreamParser {
  let sessionId: string | null = null;
  let claudeCodeVersion: string | null = null;
  let result: ResultMessage | null = null;
  let lastText: string | null = null;
  let lines = 0;
  const todos = createTodoTracker();

  function push(line: string): TaskEventInput[] {
    const trimmed = line.trim();
    if (trimmed === "") return [];
    lines += 1;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return [{ type: "log", payload: { stream: "stdout", line: trimmed.slice(0, 2000), source: "agent" } }];
    }
    const kind = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
    switch (kind) {
      case "system":
        return onSystem(value);
      case "assistant":
        return onAssistant(value);
      case "user":
        return onUser(value);
      case "result":
        return onResult(value);
      default:
        return [];
    }
  }

  function onSystem(value: unknown): TaskEventInput[] {
    const init = SystemInit.safeParse(value);
    if (init.success) {
      sessionId = init.data.session_id;
      claudeCodeVersion = init.data.claude_code_version ?? null;
    }
    return [];
  }

  function onAssistant(value: unknown): TaskEventInput[] {
    const parsed = AssistantMessage.safeParse(value);
    if (!parsed.success) return [];
    const events: TaskEventInput[] = [];
    for (const block of parsed.data.message.content) {
      if (block.type === "text" && typeof block.text === "string") {
        if (block.text.trim() === "") continue;
        if (parsed.data.parent_tool_use_id == null) lastText = block.text;
        events.push({ type: "assistant_text", payload: { text: block.text } });
      } else if (
        block.type === "tool_use" &&
        typeof block.id === "string" &&
        typeof block.name === "string"
      ) {
        events.push({
          type: "tool_call",
          payload: {
            id: block.id,
            name: block.name,
            summary: summarizeToolInput(block.name, block.input, options.workdir),
            input: trimToolInput(block.input),
          },
        });
        const items = todos.onToolUse(block.name, block.input);
        if (items !== null) events.push({ type: "todo", payload: { items } });
      }
    }
    return events;
  }

  function onUser(value: unknown): TaskEventInput[] {
    const parsed = UserMessage.safeParse(value);
    if (!parsed.success || typeof parsed.data.message.content === "string") return [];
    const events: TaskEventInput[] = [];
    for (const block of parsed.data.message.content) {
      if (block.type !== "tool_result" || typeof block.tool_use_id !== "string") continue;
      const output = toolResultText(block.content);
      events.push({
        type: "tool_result",
        payload: {
          tool_use_id: block.tool_use_id,
          is_error: block.is_error === true,
          output: output.length > MAX_TOOL_OUTPUT_CHARS ? output.slice(0, MAX_TOOL_OUTPUT_CHARS) : output,
          truncated: output.length > MAX_TOOL_OUTPUT_CHARS,
        },
      });
    }
    return events;
  }

  function onResult(value: unknown): TaskEventInput[] {
    const parsed = ResultMessage.safeParse(value);
    if (!parsed.success) return [];
    result = parsed.data;
    sessionId = parsed.data.session_id ?? sessionId;
    const summary = parsed.data.result ?? parsed.data.errors?.join("\n") ?? null;
    return [
      {
        type: "result",
        payload: {
          subtype: parsed.data.subtype,
          is_error: parsed.data.is_error,
          summary,
          cost_usd: parsed.data.total_cost_usd ?? null,
          num_turns: parsed.data.num_turns ?? null,
          duration_ms: parsed.data.duration_ms ?? null,
          session_id: sessionId,
        },
      },
    ];
  }

  return {
    push,
    state: () => ({ sessionId, claudeCodeVersion, result, lastText, lines }),
  };
}

function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block: { type?: unknown; text?: unknown }) =>
      block.type === "text" && typeof block.text === "string" ? block.text : `[${String(block.type)}]`,
    )
    .join("\n");
}

/**
 * The agent's todo list: TodoWrite sends it whole; the task tools (TaskCreate / TaskUpdate) build it
 * item by item, with ids "1", "2", … in creation order.
 */
function createTodoTracker() {
  const tasks: Array<{ id: string; item: TodoItem }> = [];
  let created = 0;

  function onToolUse(name: string, input: unknown): TodoItem[] | null {
    const fields = typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {};
    if (name === "TodoWrite" && Array.isArray(fields.todos)) {
      tasks.length = 0;
      for (const todo of fields.todos as Array<Record<string, unknown>>) {
        const item = toItem(todo.content, todo.status, todo.activeForm);
        if (item !== null) tasks.push({ id: String(tasks.length + 1), item });
      }
      return tasks.map((task) => task.item);
    }
    if (name === "TaskCreate") {
      created += 1;
      const item = toItem(fields.subject, "pending", fields.activeForm);
      if (item === null) return null;
      tasks.push({ id: String(created), item });
      return tasks.map((task) => task.item);
    }
    if (name === "TaskUpdate" && typeof fields.taskId === "string") {
      const index = tasks.findIndex((task) => task.id === fields.taskId);
      const task = tasks[index];
      if (task === undefined) return null;
      if (fields.status === "deleted") tasks.splice(index, 1);
      else {
        task.item =
          toItem(
            fields.subject ?? task.item.content,
            fields.status ?? task.item.status,
            fields.activeForm ?? task.item.activeForm,
          ) ?? task.item;
      }
      return tasks.map((entry) => entry.item);
    }
    return null;
  }

  return { onToolUse };
}

function toItem(content: unknown, status: unknown, activeForm: unknown): TodoItem | null {
  if (typeof content !== "string") return null;
  const valid = status === "pending" || status === "in_progress" || status === "completed";
  return {
    content,
    status: valid ? status : "pending",
    ...(typeof activeForm === "string" ? { activeForm } : {}),
  };
}
