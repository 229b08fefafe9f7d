import { z } from "zod";

/**
 * The task log: every event a task records, as stored in task_events (type + payload) and served by
 * /v1/tasks/{id}/logs, the task pages and the progress comment. Payloads pass through the redactor
 * before they are stored.
 */

export const ExecutionStep = z.enum([
  "queue",
  "sandbox",
  "clone",
  "setup",
  "agent",
  "commit",
  "push",
  "session",
  "report",
  "cleanup",
]);
export type ExecutionStep = z.infer<typeof ExecutionStep>;

export const TodoItem = z.object({
  content: z.string(),
  status: z.enum(["pending", "in_progress", "completed"]),
  activeForm: z.string().optional(),
});
export type TodoItem = z.infer<typeof TodoItem>;

export const TaskEventInput = z.discriminatedUnion("type", [
  /** A status transition (pending → queued → running → …). */
  z.object({
    type: z.literal("status"),
    payload: z.object({ from: z.string().nullable(), to: z.string(), reason: z.string().optional() }),
  }),
  /** A new attempt started (worker pick-up or retry). */
  z.object({
    type: z.literal("attempt"),
    payload: z.object({ attempt: z.number().int(), worker: z.string().optional() }),
  }),
  /** An executor step started, finished or failed. */
  z.object({
    type: z.literal("step"),
    payload: z.object({
      step: ExecutionStep,
      state: z.enum(["started", "finished", "failed", "skipped"]),
      message: z.string().optional(),
      duration_ms: z.number().optional(),
    }),
  }),
  /** A line of output from a command (setup commands, raw non-JSON agent output). */
  z.object({
    type: z.literal("log"),
    payload: z.object({
      stream: z.enum(["stdout", "stderr"]),
      line: z.string(),
      source: z.string().optional(),
    }),
  }),
  /** Text the agent wrote. */
  z.object({ type: z.literal("assistant_text"), payload: z.object({ text: z.string() }) }),
  /** The agent called a tool. */
  z.object({
    type: z.literal("tool_call"),
    payload: z.object({ id: z.string(), name: z.string(), summary: z.string(), input: z.unknown() }),
  }),
  /** A tool's result, trimmed. */
  z.object({
    type: z.literal("tool_result"),
    payload: z.object({
      tool_use_id: z.string(),
      is_error: z.boolean(),
      output: z.string(),
      truncated: z.boolean(),
    }),
  }),
  /** The agent's todo list, whole, each time it writes it. */
  z.object({ type: z.literal("todo"), payload: z.object({ items: z.array(TodoItem) }) }),
  /** Claude Code's final result message. */
  z.object({
    type: z.literal("result"),
    payload: z.object({
      subtype: z.string(),
      is_error: z.boolean(),
      summary: z.string().nullable(),
      cost_usd: z.number().nullable(),
      num_turns: z.number().nullable(),
      duration_ms: z.number().nullable(),
      session_id: z.string().nullable(),
    }),
  }),
  /** Changes pushed / PR opened. */
  z.object({
    type: z.literal("pushed"),
    payload: z.object({ branch: z.string(), commit_sha: z.string(), files_changed: z.number().int() }),
  }),
  z.object({
    type: z.literal("pull_request"),
    payload: z.object({ url: z.string(), number: z.number().int() }),
  }),
  /** A failure (the attempt may still be retried). */
  z.object({
    type: z.literal("error"),
    payload: z.object({
      code: z.string(),
      message: z.string(),
      step: z.string().optional(),
      retryable: z.boolean(),
    }),
  }),
]);
export type TaskEventInput = z.infer<typeof TaskEventInput>;
export type TaskEventType = TaskEventInput["type"];

/** A stored event, as /logs returns it. */
export interface TaskEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  created_at: string;
}
