import { describe, expect, it } from "vitest";
import { highlightDiff, MAX_DIFF_LINES } from "../../src/web/highlight-diff.ts";
import { escapeHtml, html } from "../../src/web/html.ts";
import { createMarkdownRenderer } from "../../src/web/render-markdown.ts";
import { renderTranscript, type StoredEvent } from "../../src/web/render-transcript.ts";
import { safeNextPath } from "../../src/web/web-access.ts";

const markdown = createMarkdownRenderer();

function event(seq: number, type: string, payload: unknown): StoredEvent {
  return { seq, type, payload, created_at: "2026-11-23T21:00:00.000Z" };
}

describe("html escaping", () => {
  it.each([
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    [`" onmouseover='x'`, "&quot; onmouseover=&#39;x&#39;"],
    ["a & b", "a &amp; b"],
  ])("escapes %j", (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it("escapes interpolations but keeps nested templates", () => {
    const inner = html`<b>${"<i>"}</b>`;

    expect(html`<p title="${'"x"'}">${inner}${["<", 1, null]}</p>`.__html).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;1</p>',
    );
  });
});

describe("markdown", () => {
  it("renders Markdown but shows raw HTML as text", () => {
    const out = markdown("**bold** <script>alert(1)</script> <img src=x onerror=alert(1)>").__html;

    expect(out).toContain("<strong>bold</strong>");
    expect(out).toContain("&lt;script&gt;");
    expect(out).not.toMatch(/<script|<img/);
  });

  it.each([
    ["[x](javascript:alert(1))", false],
    ["[x](data:text/html,hi)", false],
    ["[x](https://example.com)", true],
    ["![logo](https://example.com/a.png)", true],
  ])("links %j only to safe targets (%s)", (input, linked) => {
    const out = markdown(input).__html;

    expect(out.includes("<a ")).toBe(linked);
    expect(out).not.toContain("<img");
  });
});

describe("diff highlighting", () => {
  it("classes lines, colours tokens and escapes code and file content", () => {
    const diff = [
      "--- a/x.ts",
      "+++ b/x.ts",
      "@@ -1 +1 @@",
      '-const a = "<b>";',
      "+let a = 1; // </pre>",
    ].join("\n");

    const out = highlightDiff(diff, "x.ts").__html;

    expect(out).toContain('<span class="dl dl-meta">--- a/x.ts</span>');
    expect(out).toContain('<span class="dl dl-hunk">@@ -1 +1 @@</span>');
    expect(out).toContain(
      '<span class="dl dl-del">-<span class="tok-k">const</span> a = <span class="tok-s">&quot;&lt;b&gt;&quot;</span>;</span>',
    );
    expect(out).toContain('<span class="tok-c">// &lt;/pre&gt;</span>');
    expect(out.match(/<\/pre>/g)).toHaveLength(1);
  });

  it("treats a removed line that starts with -- inside a hunk as removed", () => {
    const out = highlightDiff("@@ -1 +1 @@\n--- old sql comment\n+x", "a.sql").__html;

    expect(out).toContain('class="dl dl-del">--');
  });

  it("cuts huge diffs", () => {
    const diff = Array.from({ length: MAX_DIFF_LINES + 10 }, (_, n) => `+line ${n}`).join("\n");

    const out = highlightDiff(diff, "big.txt").__html;

    expect(out.match(/dl-add/g)).toHaveLength(MAX_DIFF_LINES);
    expect(out).toContain("10 more lines not shown");
  });
});

describe("transcript", () => {
  it("pairs a tool call with its result, keeps the latest todo list and escapes unknown events", () => {
    const events = [
      event(1, "tool_call", { id: "t1", name: "Bash", summary: "ls\nmore", input: { command: "ls" } }),
      event(2, "todo", { items: [{ content: "old", status: "pending" }] }),
      event(3, "tool_result", { tool_use_id: "t1", is_error: true, output: "<b>no</b>", truncated: true }),
      event(4, "tool_result", {
        tool_use_id: "missing",
        is_error: false,
        output: "orphan",
        truncated: false,
      }),
      event(5, "todo", { items: [{ content: "new <x>", status: "completed" }] }),
      event(6, "<weird>", { anything: 1 }),
    ];

    const { items, todo } = renderTranscript(events, markdown);

    expect(items.__html.match(/<li class="ev /g)).toHaveLength(3);
    expect(items.__html).toContain('id="tool-t1-out"');
    expect(items.__html).toContain("&lt;b&gt;no&lt;/b&gt;");
    expect(items.__html).toContain("Output trimmed.");
    expect(items.__html).toContain('<span class="tool-summary">ls</span>');
    expect(items.__html).toContain("orphan");
    expect(items.__html).toContain("<code>&lt;weird&gt;</code>");
    expect(todo.__html).toContain("new &lt;x&gt;");
    expect(todo.__html).not.toContain("old");
  });
});

describe("sign-in redirect target", () => {
  it.each([
    ["/tasks/abc?token=x", "/tasks/abc?token=x"],
    ["//evil.example/x", "/tasks"],
    ["/\\evil.example", "/tasks"],
    ["https://evil.example", "/tasks"],
    [undefined, "/tasks"],
  ])("%j → %j", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});
