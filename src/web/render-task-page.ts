import type { ChangedFile } from "../execution/executor.ts";
import type { Task } from "../tasks/task.table.ts";
import { html } from "./html.ts";
import { renderDiff } from "./render-diff.ts";
import { renderLayout } from "./render-layout.ts";
import { renderTaskSummary, TERMINAL_STATUSES } from "./render-task-summary.ts";
import { renderTranscript, type RenderMarkdown, type StoredEvent } from "./render-transcript.ts";

export interface TaskPageData {
  task: Task;
  events: readonly StoredEvent[];
  files: readonly ChangedFile[];
  /** More events exist than the page holds: the script streams the rest. */
  truncated?: boolean;
}

export interface TaskPageOptions {
  publicUrl: string;
  signedIn: boolean;
  /** URL of this task's event stream (carries the page's token when there is one). */
  eventsUrl: string;
  markdown: RenderMarkdown;
}

/** The whole task page: complete without JavaScript; the script only adds live updates. */
export function renderTaskPage(data: TaskPageData, options: TaskPageOptions): string {
  const { task, events, files } = data;
  const terminal = TERMINAL_STATUSES.has(task.status);
  const transcript = renderTranscript(events, options.markdown);
  const lastSeq = events.length === 0 ? 0 : (events[events.length - 1]?.seq ?? 0);
  const body = html`<article
    class="task"
    id="task"
    data-task-id="${task.id}"
    data-last-seq="${lastSeq}"
    data-events-url="${options.eventsUrl}"
    data-terminal="${terminal && data.truncated !== true ? "true" : "false"}"
  >
    ${renderTaskSummary(task)}
    <div class="columns">
      <section class="transcript" aria-labelledby="transcript-heading">
        <h2 id="transcript-heading">Transcript</h2>
        <ol id="transcript" class="events">
          ${transcript.items}
        </ol>
        <p id="live-status" class="live" role="status" aria-live="polite">
          ${data.truncated === true ? "Later events are loading…" : terminal ? "" : "Live updates need JavaScript; reload to see new events."}
        </p>
      </section>
      <aside class="side">${transcript.todo}</aside>
    </div>
    ${renderDiff(files, terminal)}
  </article>`;
  return renderLayout({
    title: `Task ${task.id.slice(0, 8)} (${task.status})`,
    publicUrl: options.publicUrl,
    signedIn: options.signedIn,
    script: true,
    body,
  });
}
