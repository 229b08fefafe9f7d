import { TaskEventInput, type TodoItem } from "../tasks/task-event.ts";
import { html, type SafeHtml } from "./html.ts";
import { firstLine, formatCost, formatDuration, formatTime, safeUrl, toIso } from "./format.ts";

/**
 * The transcript: one list item per event, in sequence order. Tool calls are collapsed rows
 * (<details>) holding their input and, once it arrives, their trimmed output. Everything the agent
 * produced is escaped; assistant text goes through the safe Markdown renderer.
 */

export interface StoredEvent {
  seq: number;
  type: string;
  payload: unknown;
  created_at: Date | string;
}

export type RenderMarkdown = (markdown: string) => SafeHtml;
type ParsedEvent = TaskEventInput;
type ToolResult = Extract<ParsedEvent, { type: "tool_result" }>["payload"];

/** Input shown in a tool row is cut to this many characters. */
const MAX_INPUT_CHARS = 4000;

/** Tool ids come from the agent: keep DOM ids to a safe alphabet. */
export function toolDomId(toolUseId: string): string {
  return `tool-${toolUseId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80)}`;
}

export function parseEvent(event: StoredEvent): ParsedEvent | undefined {
  const parsed = TaskEventInput.safeParse({ type: event.type, payload: event.payload });
  return parsed.success ? parsed.data : undefined;
}

function stringifyInput(input: unknown): string {
  const text = typeof input === "string" ? input : (JSON.stringify(input, null, 2) ?? "");
  return text.length > MAX_INPUT_CHARS ? `${text.slice(0, MAX_INPUT_CHARS)}\n… (cut)` : text;
}

export function renderToolState(domId: string, result: ToolResult | undefined): SafeHtml {
  const [cls, label] =
    result === undefined ? ["running", "running"] : result.is_error ? ["error", "error"] : ["ok", "done"];
  return html`<span class="tool-state tool-state-${cls}" id="${domId}-state">${label}</span>`;
}

export function renderToolOutput(domId: string, result: ToolResult | undefined): SafeHtml {
  if (result === undefined) {
    return html`<div class="tool-output" id="${domId}-out"><p class="muted">Waiting for output…</p></div>`;
  }
  return html`<div class="tool-output" id="${domId}-out">
    <h4>${result.is_error ? "Error output" : "Output"}</h4>
    <pre class="${result.is_error ? "out out-error" : "out"}">${result.output}</pre>
    ${result.truncated ? html`<p class="muted">Output trimmed.</p>` : ""}
  </div>`;
}

function item(event: StoredEvent, cls: string, body: SafeHtml): SafeHtml {
  return html`<li class="ev ${cls}" id="ev-${event.seq}" data-seq="${event.seq}">${body}</li>`;
}

function time(event: StoredEvent): SafeHtml {
  return html`<time class="ev-time" datetime="${toIso(event.created_at)}"
    >${formatTime(event.created_at).slice(11, 19)}</time
  >`;
}

/** One transcript row; `results` pairs tool calls with results already stored (server render). */
export function renderEventItem(
  event: StoredEvent,
  markdown: RenderMarkdown,
  results: ReadonlyMap<string, ToolResult> = new Map(),
): SafeHtml | undefined {
  const parsed = parseEvent(event);
  if (parsed === undefined) {
    return item(event, "ev-other", html`${time(event)} <code>${event.type}</code>`);
  }
  switch (parsed.type) {
    case "assistant_text":
      return item(
        event,
        "ev-text",
        html`${time(event)}
          <div class="md">${markdown(parsed.payload.text)}</div>`,
      );
    case "tool_call": {
      const domId = toolDomId(parsed.payload.id);
      const result = results.get(parsed.payload.id);
      return item(
        event,
        "ev-tool",
        html`<details class="tool" id="${domId}">
          <summary>
            ${time(event)} <span class="tool-name">${parsed.payload.name}</span>
            <span class="tool-summary">${firstLine(parsed.payload.summary)}</span>
            ${renderToolState(domId, result)}
          </summary>
          <div class="tool-body">
            <h4>Input</h4>
            <pre class="in">${stringifyInput(parsed.payload.input)}</pre>
            ${renderToolOutput(domId, result)}
          </div>
        </details>`,
      );
    }
    case "tool_result":
      return renderOrphanResult(event, parsed.payload);
    case "todo":
      return undefined;
    case "log":
      return item(
        event,
        `ev-log ev-log-${parsed.payload.stream}`,
        html`${time(event)}
          <pre class="log">
${parsed.payload.source ? `[${parsed.payload.source}] ` : ""}${parsed.payload.line}</pre>`,
      );
    case "step": {
      const { step, state, message, duration_ms: ms } = parsed.payload;
      return item(
        event,
        `ev-step step-${state}`,
        html`${time(event)}
          <span class="step-name">${step}</span>
          ${state}${ms === undefined ? "" : ` (${formatDuration(ms)})`}${message ? html`: <span class="step-message">${message}</span>` : ""}`,
      );
    }
    case "status":
      return item(
        event,
        "ev-status",
        html`${time(event)} Status ${parsed.payload.from ?? "new"} →
          <strong>${parsed.payload.to}</strong>${parsed.payload.reason ? ` (${parsed.payload.reason})` : ""}`,
      );
    case "attempt":
      return item(event, "ev-attempt", html`${time(event)} Attempt ${parsed.payload.attempt} started`);
    case "result": {
      const p = parsed.payload;
      return item(
        event,
        p.is_error ? "ev-result ev-result-error" : "ev-result",
        html`${time(event)} <strong>Agent finished</strong> (${p.subtype}) · ${p.num_turns ?? "?"} turns ·
          ${formatCost(p.cost_usd)} · ${formatDuration(p.duration_ms)}
          ${p.summary ? html`<div class="md">${markdown(p.summary)}</div>` : ""}`,
      );
    }
    case "pushed":
      return item(
        event,
        "ev-pushed",
        html`${time(event)} Pushed ${parsed.payload.files_changed} changed file(s) to
          <code>${parsed.payload.branch}</code> at <code>${parsed.payload.commit_sha.slice(0, 12)}</code>`,
      );
    case "pull_request": {
      const url = safeUrl(parsed.payload.url);
      const label = `#${parsed.payload.number}`;
      return item(
        event,
        "ev-pr",
        html`${time(event)} Pull request
        ${url ? html`<a href="${url}" rel="noopener noreferrer">${label}</a>` : label} opened`,
      );
    }
    case "error":
      return item(
        event,
        "ev-error",
        html`${time(event)} <strong>Error</strong>
          <code>${parsed.payload.code}</code>${parsed.payload.step ? ` in step ${parsed.payload.step}` : ""}:
          ${parsed.payload.message}${parsed.payload.retryable ? " (will retry)" : ""}`,
      );
  }
}

/** A result whose call is not on the page (should not happen; shown rather than lost). */
export function renderOrphanResult(event: StoredEvent, result: ToolResult): SafeHtml {
  const domId = toolDomId(result.tool_use_id);
  return item(
    event,
    "ev-tool",
    html`<details class="tool">
      <summary>
        ${time(event)} <span class="tool-name">Tool result</span> ${renderToolState(domId, result)}
      </summary>
      <div class="tool-body">${renderToolOutput(`${domId}-orphan`, result)}</div>
    </details>`,
  );
}

export function renderTodo(items: readonly TodoItem[] | undefined): SafeHtml {
  const body =
    items === undefined || items.length === 0
      ? html`<p class="muted">The agent has not written a todo list.</p>`
      : html`<ul class="todo-list">
          ${items.map(
            (todo) =>
              html`<li class="todo todo-${todo.status}">
                <label
                  ><input type="checkbox" disabled ${todo.status === "completed" ? "checked" : ""} />
                  ${todo.status === "in_progress" ? (todo.activeForm ?? todo.content) : todo.content}</label
                >${todo.status === "in_progress" ? html` <span class="badge">in progress</span>` : ""}
              </li>`,
          )}
        </ul>`;
  return html`<section id="todo" aria-labelledby="todo-heading">
    <h2 id="todo-heading">Todo</h2>
    ${body}
  </section>`;
}

/** The whole transcript for the first render, plus the latest todo list. */
export function renderTranscript(
  events: readonly StoredEvent[],
  markdown: RenderMarkdown,
): { items: SafeHtml; todo: SafeHtml } {
  const results = new Map<string, ToolResult>();
  const calls = new Set<string>();
  let todo: TodoItem[] | undefined;
  const parsed = events.map((event) => parseEvent(event));
  for (const event of parsed) {
    if (event?.type === "tool_call") calls.add(event.payload.id);
    if (event?.type === "tool_result") results.set(event.payload.tool_use_id, event.payload);
    if (event?.type === "todo") todo = event.payload.items;
  }
  const rows: SafeHtml[] = [];
  events.forEach((event, index) => {
    const p = parsed[index];
    if (p?.type === "tool_result" && calls.has(p.payload.tool_use_id)) return;
    const row = renderEventItem(event, markdown, results);
    if (row !== undefined) rows.push(row);
  });
  return { items: html`${rows}`, todo: renderTodo(todo) };
}
