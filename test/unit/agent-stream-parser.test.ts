import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStreamParser, MAX_TOOL_OUTPUT_CHARS } from "../../src/agent/create-stream-parser.ts";
import type { TaskEventInput } from "../../src/tasks/task-event.ts";

/** Real stream-json captured from Claude Code 2.1.330 against the scripted model. */
function fixture(name: string): string[] {
  return readFileSync(join(import.meta.dirname, "../fixtures/stream-json", `${name}.jsonl`), "utf8").split(
    "\n",
  );
}

function parseAll(lines: string[], workdir?: string) {
  const parser = createStreamParser(workdir === undefined ? {} : { workdir });
  const events: TaskEventInput[] = lines.flatMap((line) => parser.push(line));
  return { events, state: parser.state() };
}

describe("createStreamParser", () => {
  it("turns a real run into text, tool calls, tool results and the result, in order", () => {
    const { events, state } = parseAll(fixture("write-edit-bash"), "/tmp/tmp.HS2NcxXQTb");

    expect(events.map((event) => event.type)).toEqual([
      "assistant_text",
      "tool_call",
      "tool_result",
      "tool_call",
      "todo",
      "tool_result",
      "tool_call",
      "tool_result",
      "tool_call",
      "tool_result",
      "assistant_text",
      "result",
    ]);
    const calls = events
      .filter((event) => event.type === "tool_call")
      .map((event) => [event.payload.name, event.payload.summary]);
    expect(calls).toEqual([
      ["Write", "hello.txt"],
      ["TodoWrite", "1 items"],
      ["Edit", "hello.txt"],
      ["Bash", "cat hello.txt"],
    ]);
    expect(events.at(-1)).toEqual({
      type: "result",
      payload: {
        subtype: "success",
        is_error: false,
        summary: "Done: wrote hello.txt",
        cost_usd: 0.004,
        num_turns: 5,
        duration_ms: 936,
        session_id: "be710e4d-82b4-4a20-8ff7-8ba3db5544d5",
      },
    });
    expect(state.sessionId).toBe("be710e4d-82b4-4a20-8ff7-8ba3db5544d5");
    expect(state.claudeCodeVersion).toBe("2.1.330");
    expect(state.lastText).toBe("Done: wrote hello.txt");
  });

  it("marks failed tool results as errors", () => {
    const { events } = parseAll(fixture("write-edit-bash"));

    const failed = events.filter((event) => event.type === "tool_result" && event.payload.is_error);

    expect(failed).toHaveLength(1);
    expect(failed[0]?.type === "tool_result" && failed[0].payload.output).toContain(
      "No such tool available: TodoWrite",
    );
  });

  it("builds the todo list from TaskCreate and TaskUpdate", () => {
    const { events } = parseAll(fixture("todo-tasks"));

    const todos = events.filter((event) => event.type === "todo").map((event) => event.payload.items);

    expect(todos).toEqual([
      [{ content: "Write file", status: "pending", activeForm: "Writing file" }],
      [
        { content: "Write file", status: "pending", activeForm: "Writing file" },
        { content: "Test", status: "pending" },
      ],
      [
        { content: "Write file", status: "completed", activeForm: "Writing file" },
        { content: "Test", status: "pending" },
      ],
    ]);
  });

  it("keeps the max-turns result's error text as its summary", () => {
    const { state, events } = parseAll(fixture("max-turns"));

    expect(state.result?.subtype).toBe("error_max_turns");
    expect(events.at(-1)).toMatchObject({
      type: "result",
      payload: { summary: "Reached maximum number of turns (2)" },
    });
  });

  it.each([
    ["plain text", "npm WARN something odd"],
    ["broken JSON", '{"type":"assistant","message":'],
  ])("logs a line that is not JSON (%s) instead of failing", (_name, line) => {
    const { events } = parseAll([line]);

    expect(events).toEqual([{ type: "log", payload: { stream: "stdout", line, source: "agent" } }]);
  });

  it.each([
    ["an unknown kind", '{"type":"stream_event","event":{}}'],
    ["a known kind with an unexpected shape", '{"type":"assistant","message":{"content":"not a list"}}'],
    ["a JSON value that is not an object", "42"],
    ["a blank line", "   "],
  ])("ignores %s", (_name, line) => {
    expect(parseAll([line]).events).toEqual([]);
  });

  it("cuts long tool output and long tool input strings", () => {
    const long = "x".repeat(MAX_TOOL_OUTPUT_CHARS + 10);
    const parser = createStreamParser();

    const call = parser.push(
      JSON.stringify({
        type: "assistant",
        message: {
          content: [{ type: "tool_use", id: "t1", name: "Write", input: { file_path: "/a", content: long } }],
        },
      }),
    );
    const result = parser.push(
      JSON.stringify({
        type: "user",
        message: {
          content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: long }] }],
        },
      }),
    );

    expect(JSON.stringify(call).length).toBeLessThan(3000);
    expect(result[0]).toMatchObject({ type: "tool_result", payload: { truncated: true } });
    expect(result[0]?.type === "tool_result" && result[0].payload.output.length).toBe(MAX_TOOL_OUTPUT_CHARS);
  });
});
