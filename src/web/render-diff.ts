import type { ChangedFile } from "../execution/executor.ts";
import { highlightDiff } from "./highlight-diff.ts";
import { html, type SafeHtml } from "./html.ts";

/** The changed files: one collapsible block per file (open by default), highlighted diff inside. */

/** Files past this many diff lines start collapsed, so one huge file does not bury the rest. */
const COLLAPSE_OVER_LINES = 400;

function fileBlock(file: ChangedFile, index: number): SafeHtml {
  const lines = file.diff.split("\n").length;
  const name = file.old_path && file.old_path !== file.path ? `${file.old_path} → ${file.path}` : file.path;
  return html`<details class="file" id="file-${index}" ${lines <= COLLAPSE_OVER_LINES ? "open" : ""}>
    <summary>
      <span class="file-name">${name}</span>
      <span class="file-change file-change-${file.change}">${file.change}</span>
      <span class="adds">+${file.additions}</span> <span class="dels">−${file.deletions}</span>
    </summary>
    ${file.diff === "" ? html`<p class="muted">No textual diff (binary or empty file).</p>` : highlightDiff(file.diff, file.path)}
  </details>`;
}

export function renderDiff(files: readonly ChangedFile[], terminal: boolean): SafeHtml {
  const additions = files.reduce((sum, file) => sum + file.additions, 0);
  const deletions = files.reduce((sum, file) => sum + file.deletions, 0);
  const empty = terminal
    ? "No files were changed."
    : "Changed files appear here when the agent's work is committed.";
  return html`<section id="diff" aria-labelledby="diff-heading">
    <h2 id="diff-heading">Changes</h2>
    ${
      files.length === 0
        ? html`<p class="muted">${empty}</p>`
        : html`<p class="muted">
              ${files.length} file(s), <span class="adds">+${additions}</span>
              <span class="dels">−${deletions}</span>
            </p>
            ${files.map(fileBlock)}`
    }
  </section>`;
}
