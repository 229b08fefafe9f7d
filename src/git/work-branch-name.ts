import type { Task } from "../tasks/task.table.ts";
import { slugify } from "./slugify.ts";

const DEFAULT_PREFIX = "agent/";

/**
 * The branch a task pushes to: a preset work_branch (a pull request's head) as is; for GitHub issue
 * tasks `<prefix>issue-<n>-<slug>`; otherwise `<prefix><short-task-id>-<slug>`. The prefix comes from
 * options.branch_prefix (default "agent/").
 */
export function workBranchName(
  task: Pick<Task, "id" | "prompt" | "work_branch" | "issue_number" | "is_pull_request" | "options">,
): string {
  if (task.work_branch !== null && task.work_branch !== "") return task.work_branch;
  const prefix = normalizePrefix(task.options.branch_prefix);
  const slug = slugify(firstLine(task.prompt), 40);
  if (task.issue_number !== null && !task.is_pull_request)
    return `${prefix}issue-${task.issue_number}-${slug}`;
  return `${prefix}${shortTaskId(task.id)}-${slug}`;
}

/** The same name made unique for this task (when the plain one is taken by someone else). */
export function uniqueWorkBranchName(name: string, taskId: string): string {
  return `${name}-${shortTaskId(taskId)}`;
}

export function shortTaskId(id: string): string {
  return id
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 8)
    .toLowerCase();
}

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined) return DEFAULT_PREFIX;
  const cleaned = prefix
    .trim()
    .replace(/[^A-Za-z0-9._/-]+/g, "-")
    .replace(/\/{2,}/g, "/")
    .replace(/^[/.-]+/, "");
  if (cleaned === "") return DEFAULT_PREFIX;
  return cleaned.endsWith("/") || cleaned.endsWith("-") ? cleaned : `${cleaned}/`;
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

/** A name git accepts for a branch (git check-ref-format rules that matter here). */
export function isValidBranchName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 200 &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what git refuses
    !/[\s~^:?*[\\\x00-\x1f\x7f]/.test(name) &&
    !name.includes("..") &&
    !name.includes("@{") &&
    !name.startsWith("/") &&
    !name.startsWith("-") &&
    !name.endsWith("/") &&
    !name.endsWith(".") &&
    !name.endsWith(".lock") &&
    !name.includes("//")
  );
}
