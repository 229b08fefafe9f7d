import type { ChangedFile } from "../execution/executor.ts";
import type { Task } from "../tasks/task.table.ts";
import { formatCost, formatDuration } from "./format-duration.ts";
import { limitComment } from "./limit-text.ts";
import { quoteRequest, stepLabel } from "./render-progress-comment.ts";
import { taskMarker } from "./task-marker.ts";

export interface FinalView {
  readonly task: Task;
  readonly link: string;
  readonly files: readonly Pick<ChangedFile, "path" | "change" | "additions" | "deletions">[];
  /** Web URL of the pushed commit (PR tasks) or null. */
  readonly commitUrl: string | null;
  /** Who stopped the task, for cancelled tasks. */
  readonly cancelledBy?: string | undefined;
}

const MAX_FILES_LISTED = 50;

/** The progress comment's last form: the result, or what failed and how to retry. */
export function renderFinalComment(view: FinalView): string {
  const { task, link } = view;
  const lines = [taskMarker(task.id), headline(view), "", quoteRequest(task)];
  if (task.status === "completed" && task.result !== null && task.result.trim() !== "") {
    lines.push("", "**Summary**", "", task.result.trim());
  }
  if (task.status === "failed") lines.push("", ...failureLines(task));
  if (view.files.length > 0) lines.push("", ...fileLines(view.files));
  if (task.status === "completed") lines.push("", ...resultLinks(view));
  lines.push("", `${statsLine(task)} · [task log](${link})`);
  return limitComment(lines.join("\n"), link);
}

function headline(view: FinalView): string {
  const { task } = view;
  switch (task.status) {
    case "completed":
      return view.files.length === 0 && task.pr_url === null && view.commitUrl === null
        ? "**Cloud Agent** ✅ finished: no changes were needed, nothing was pushed"
        : "**Cloud Agent** ✅ done";
    case "cancelled":
      return `**Cloud Agent** ⏹ cancelled${view.cancelledBy === undefined ? "" : ` by @${view.cancelledBy}`}`;
    case "failed":
      return `**Cloud Agent** ❌ failed while ${stepLabel(task.error_step ?? "agent").toLowerCase()}`;
    default:
      return `**Cloud Agent** ${task.status}`;
  }
}

function failureLines(task: Task): string[] {
  const reason = task.error_message ?? "The task failed without a message.";
  return [
    `**What happened:** ${reason}`,
    "",
    `**To retry:** comment \`/agent <what you want>\` again (the agent continues where it left off), or \`/agent new <what you want>\` to start from scratch.${retryHint(task.error_code)}`,
  ];
}

function retryHint(code: string | null): string {
  switch (code) {
    case "setup_failed":
      return " Check `setup_commands` in `.github/cloud-agent.yml` first.";
    case "timeout":
    case "agent_max_turns":
      return " Consider a smaller request, or raise `timeout` / `max_turns` in `.github/cloud-agent.yml`.";
    case "push_rejected":
      return " The branch moved while the agent worked; a retry starts from its new head.";
    default:
      return "";
  }
}

function fileLines(files: FinalView["files"]): string[] {
  const shown = files.slice(0, MAX_FILES_LISTED).map((file) => {
    return `- \`${file.path.split("`").join("'")}\` (${file.change}, +${file.additions} -${file.deletions})`;
  });
  if (files.length > MAX_FILES_LISTED) shown.push(`- … and ${files.length - MAX_FILES_LISTED} more`);
  return [`**Files changed (${files.length})**`, "", ...shown];
}

function resultLinks(view: FinalView): string[] {
  const out: string[] = [];
  if (view.task.pr_url !== null && !view.task.is_pull_request)
    out.push(`**Pull request:** ${view.task.pr_url}`);
  if (view.commitUrl !== null) out.push(`**Pushed:** ${view.commitUrl}`);
  return out;
}

function statsLine(task: Task): string {
  const parts: string[] = [];
  if (task.duration_ms !== null) parts.push(`⏱ ${formatDuration(task.duration_ms)}`);
  else if (task.started_at !== null && task.finished_at !== null) {
    parts.push(
      `⏱ ${formatDuration(new Date(task.finished_at).getTime() - new Date(task.started_at).getTime())}`,
    );
  }
  if (task.num_turns !== null) parts.push(`${task.num_turns} turns`);
  const cost = formatCost(task.cost_usd);
  if (cost !== null) parts.push(`${cost}`);
  return parts.length === 0 ? "—" : parts.join(" · ");
}
