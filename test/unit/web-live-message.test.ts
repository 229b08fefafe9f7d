import { describe, expect, it } from "vitest";
import { buildLiveMessage, changesDiff } from "../../src/web/build-live-message.ts";
import { createMarkdownRenderer } from "../../src/web/render-markdown.ts";
import type { StoredEvent } from "../../src/web/render-transcript.ts";

const markdown = createMarkdownRenderer();

function event(seq: number, type: string, payload: unknown): StoredEvent {
  return { seq, type, payload, created_at: "2026-11-23T21:00:00.000Z" };
}

describe("live messages", () => {
  it("appends a transcript row for ordinary events, escaped", () => {
    const message = buildLiveMessage(event(7, "assistant_text", { text: "hi <script>x</script>" }), markdown);

    expect(message.seq).toBe(7);
    expect(message.ops).toHaveLength(1);
    expect(message.ops[0]).toMatchObject({ op: "append", target: "transcript" });
    expect(message.ops[0]!.html).toContain('id="ev-7"');
    expect(message.ops[0]!.html).toContain("&lt;script&gt;");
  });

  it("fills a tool call's output and state, falling back to its own row when the call is not shown", () => {
    const message = buildLiveMessage(
      event(9, "tool_result", {
        tool_use_id: "toolu 1",
        is_error: true,
        output: "<b>boom</b>",
        truncated: false,
      }),
      markdown,
    );

    expect(message.ops.map((op) => [op.op, op.target])).toEqual([
      ["replace", "tool-toolu_1-out"],
      ["replace", "tool-toolu_1-state"],
    ]);
    expect(message.ops[0]!.html).toContain("&lt;b&gt;boom&lt;/b&gt;");
    expect(message.ops[0]!.fallback).toMatchObject({ op: "append", target: "transcript" });
    expect(message.ops[1]!.html).toContain("tool-state-error");
  });

  it("replaces the todo list", () => {
    const message = buildLiveMessage(
      event(3, "todo", { items: [{ content: "a", status: "completed" }] }),
      markdown,
    );

    expect(message.ops).toEqual([
      { op: "replace", target: "todo", html: expect.stringContaining("checked") },
    ]);
  });

  it.each([
    [event(1, "pushed", { branch: "b", commit_sha: "abc", files_changed: 1 }), true],
    [event(2, "status", { from: "running", to: "completed" }), true],
    [event(3, "status", { from: "queued", to: "running" }), false],
    [event(4, "log", { stream: "stdout", line: "x" }), false],
  ])("re-renders the diff after %#: %s", (input, expected) => {
    expect(changesDiff(input)).toBe(expected);
  });
});
