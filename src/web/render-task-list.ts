import { TASK_STATUSES } from "../tasks/task-status.ts";
import { html } from "./html.ts";
import { firstLine, formatCost, formatTime, repositoryName, toIso } from "./format.ts";
import type { TaskListPage, TaskListFilter } from "./list-task-rows.ts";
import { renderLayout } from "./render-layout.ts";

/** /tasks: newest first, a filter form (status, repository) and a "next page" link. */
export function renderTaskList(
  page: TaskListPage,
  filter: TaskListFilter,
  repositories: readonly string[],
  publicUrl: string,
): string {
  const params = new URLSearchParams();
  if (filter.status) params.set("status", filter.status);
  if (filter.repository) params.set("repository", filter.repository);
  if (page.nextCursor) params.set("cursor", page.nextCursor);
  const rows = page.rows.map(
    (row) =>
      html`<tr>
        <td>
          <a href="${publicUrl}/tasks/${row.id}"><code>${row.id.slice(0, 8)}</code></a>
        </td>
        <td><span class="status status-${row.status}">${row.status}</span></td>
        <td>
          ${repositoryName(row.repository_url)}${row.issue_number === null ? "" : ` #${row.issue_number}`}
        </td>
        <td class="prompt-cell">${firstLine(row.prompt, 90)}</td>
        <td>${row.requested_by ?? "—"}</td>
        <td>
          <time datetime="${toIso(row.created_at)}">${formatTime(row.created_at)}</time>
        </td>
        <td>${formatCost(row.cost_usd)}</td>
      </tr>`,
  );
  const body = html`<h1>Tasks</h1>
    <form method="get" action="/tasks" class="filters" aria-label="Filter tasks">
      <label for="filter-status">Status</label>
      <select id="filter-status" name="status">
        <option value="">Any</option>
        ${TASK_STATUSES.map((status) => html`<option value="${status}" ${filter.status === status ? "selected" : ""}>${status}</option>`)}
      </select>
      <label for="filter-repository">Repository</label>
      <select id="filter-repository" name="repository">
        <option value="">Any</option>
        ${repositories.map((repo) => html`<option value="${repo}" ${filter.repository === repo ? "selected" : ""}>${repositoryName(repo)}</option>`)}
      </select>
      <button type="submit">Filter</button>
    </form>
    ${
      page.rows.length === 0
        ? html`<p class="muted" id="no-tasks">No tasks match.</p>`
        : html`<div class="table-wrap">
            <table class="tasks" id="task-table">
              <caption class="visually-hidden">
                Tasks, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Status</th>
                  <th scope="col">Repository</th>
                  <th scope="col">Prompt</th>
                  <th scope="col">Requested by</th>
                  <th scope="col">Created</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
    }
    ${page.nextCursor ? html`<p><a id="next-page" href="${publicUrl}/tasks?${params.toString()}">Older tasks →</a></p>` : ""}`;
  return renderLayout({ title: "Tasks", publicUrl, signedIn: true, body });
}
