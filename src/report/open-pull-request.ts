import type { ProbotOctokit } from "probot";
import type { ExecutionResult } from "../execution/executor.ts";
import type { Redactor } from "../security/redact.ts";
import type { Task } from "../tasks/task.table.ts";
import { limitComment } from "./limit-text.ts";
import { optionsOf } from "./progress-comment.ts";

export interface OpenedPullRequest {
  readonly url: string;
  readonly number: number;
}

/**
 * The pull request for an issue task's branch. An open PR from the branch is looked up first, so a
 * retry (or a follow-up on the same branch) never opens a second one. No changes: no PR.
 */
export async function openPullRequest(
  octokit: ProbotOctokit,
  redactor: Redactor,
  input: { task: Task; result: ExecutionResult; link: string },
): Promise<OpenedPullRequest | null> {
  const { task, result, link } = input;
  const options = optionsOf(task);
  const branch = result.workBranch ?? task.work_branch;
  if (result.outcome === "no_changes" || options.create_pull_request !== true || branch === null) return null;
  const owner = task.owner ?? "";
  const repo = task.repo ?? "";
  // 1. An open PR from this branch already exists (retry, follow-up): reuse it.
  const existing = await octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${branch}`,
    state: "open",
    per_page: 1,
  });
  const found = existing.data[0];
  if (found !== undefined) return { url: found.html_url, number: found.number };
  // 2. Otherwise open one against the branch the work started from (the default branch).
  const base = await baseBranchOf(octokit, task, branch);
  const title = await titleFor(octokit, task);
  const created = await octokit.rest.pulls.create({
    owner,
    repo,
    head: branch,
    base,
    title: redactor.redact(title),
    body: redactor.redact(limitComment(bodyFor(task, result, link), link)),
    draft: (options.pr_mode ?? "draft") === "draft",
  });
  return { url: created.data.html_url, number: created.data.number };
}

async function baseBranchOf(octokit: ProbotOctokit, task: Task, branch: string): Promise<string> {
  if (task.base_branch !== null && task.base_branch !== branch) return task.base_branch;
  const repository = await octokit.rest.repos.get({ owner: task.owner ?? "", repo: task.repo ?? "" });
  return repository.data.default_branch;
}

async function titleFor(octokit: ProbotOctokit, task: Task): Promise<string> {
  if (task.source === "github" && task.issue_number !== null) {
    const issue = await octokit.rest.issues.get({
      owner: task.owner ?? "",
      repo: task.repo ?? "",
      issue_number: task.issue_number,
    });
    return `${issue.data.title} (#${task.issue_number})`.slice(0, 250);
  }
  const firstLine = task.prompt.split("\n")[0] ?? "Cloud Agent changes";
  return firstLine.slice(0, 250);
}

function bodyFor(task: Task, result: ExecutionResult, link: string): string {
  const lines: string[] = [];
  if (task.source === "github" && task.issue_number !== null) {
    lines.push(`Resolves #${task.issue_number}.`, "");
  }
  if (task.requested_by !== null) lines.push(`Requested by @${task.requested_by}.`, "");
  if (result.summary !== null && result.summary.trim() !== "")
    lines.push("## Summary", "", result.summary.trim(), "");
  lines.push(`## Files changed (${result.files.length})`, "");
  for (const file of result.files.slice(0, 100)) {
    lines.push(
      `- \`${file.path.split("`").join("'")}\` (${file.change}, +${file.additions} -${file.deletions})`,
    );
  }
  if (result.files.length > 100) lines.push(`- … and ${result.files.length - 100} more`);
  lines.push("", `Made by Cloud Agent: [task log](${link}).`);
  return lines.join("\n");
}
