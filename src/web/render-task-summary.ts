import type { Task } from "../tasks/task.table.ts";
import { html, type SafeHtml } from "./html.ts";
import {
  formatCost,
  formatDuration,
  formatTime,
  repositoryName,
  repositoryWebUrl,
  safeUrl,
  toIso,
} from "./format.ts";

/** The head of a task page: status, failure, prompt, repository, links, people, timings, cost. */

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

function link(url: string | undefined, label: string): SafeHtml {
  return url === undefined ? html`${label}` : html`<a href="${url}" rel="noopener noreferrer">${label}</a>`;
}

function timeCell(value: Date | string | null): SafeHtml {
  return value === null ? html`—` : html`<time datetime="${toIso(value)}">${formatTime(value)}</time>`;
}

function links(task: Task): SafeHtml[] {
  const repo = repositoryWebUrl(task.repository_url);
  const out: SafeHtml[] = [];
  if (task.issue_number !== null) {
    const kind = task.is_pull_request ? "pull" : "issues";
    const label = `${task.is_pull_request ? "Pull request" : "Issue"} #${task.issue_number}`;
    out.push(link(repo && `${repo}/${kind}/${task.issue_number}`, label));
  }
  if (task.pr_url !== null) {
    out.push(
      link(safeUrl(task.pr_url), `Pull request${task.pr_number === null ? "" : ` #${task.pr_number}`}`),
    );
  }
  if (task.work_branch !== null) {
    out.push(
      link(
        repo && `${repo}/tree/${encodeURIComponent(task.work_branch).replace(/%2F/g, "/")}`,
        `Branch ${task.work_branch}`,
      ),
    );
  }
  if (task.check_run_id !== null) out.push(link(repo && `${repo}/runs/${task.check_run_id}`, "Check run"));
  return out;
}

function elapsed(task: Task): number | null {
  if (task.duration_ms !== null) return task.duration_ms;
  if (task.started_at === null) return null;
  const end = task.finished_at === null ? Date.now() : new Date(task.finished_at).getTime();
  return end - new Date(task.started_at).getTime();
}

function failure(task: Task): SafeHtml {
  if (task.status !== "failed" && task.status !== "cancelled") return html``;
  const step = task.error_step ?? "unknown step";
  return html`<div class="failure" role="alert">
    <h2>${task.status === "cancelled" ? "Cancelled" : "Failed"} in step <code>${step}</code></h2>
    <p>${task.error_message ?? "No message was recorded."}</p>
    ${task.error_code ? html`<p class="muted">Code: <code>${task.error_code}</code></p>` : ""}
  </div>`;
}

export function renderTaskSummary(task: Task): SafeHtml {
  const repo = repositoryWebUrl(task.repository_url);
  const taskLinks = links(task);
  return html`<section id="task-summary" aria-labelledby="task-title" data-status="${task.status}">
    <h1 id="task-title">
      Task <code>${task.id.slice(0, 8)}</code>
      <span class="status status-${task.status}" id="task-status">${task.status}</span>
    </h1>
    ${failure(task)}
    ${task.status === "completed" && task.result ? html`<p class="result-line">${task.result}</p>` : ""}
    <h2 class="visually-hidden">Details</h2>
    <dl class="facts">
      <dt>Repository</dt>
      <dd>
        ${link(repo, repositoryName(task.repository_url))}${task.base_branch ? html` <span class="muted">(base ${task.base_branch})</span>` : ""}
      </dd>
      <dt>Links</dt>
      <dd>
        ${taskLinks.length === 0 ? "—" : taskLinks.map((entry, index) => html`${index > 0 ? " · " : ""}${entry}`)}
      </dd>
      <dt>Requested by</dt>
      <dd>
        ${task.requested_by ?? "—"}
        <span class="muted">via ${task.source === "github" ? "GitHub" : "API"}</span>
      </dd>
      <dt>Created</dt>
      <dd>${timeCell(task.created_at)}</dd>
      <dt>Started</dt>
      <dd>${timeCell(task.started_at)}</dd>
      <dt>Finished</dt>
      <dd>${timeCell(task.finished_at)}</dd>
      <dt>Duration</dt>
      <dd>${formatDuration(elapsed(task))}</dd>
      <dt>Cost</dt>
      <dd>${formatCost(task.cost_usd)}</dd>
      <dt>Turns</dt>
      <dd>${task.num_turns ?? "—"}</dd>
      <dt>Attempt</dt>
      <dd>${task.attempt}</dd>
    </dl>
    <details class="prompt" open>
      <summary>Prompt</summary>
      <pre class="prompt-text">${task.prompt}</pre>
    </details>
  </section>`;
}
