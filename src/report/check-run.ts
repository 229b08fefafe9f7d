import type { ProbotOctokit } from "probot";
import type { Redactor } from "../security/redact.ts";
import type { Task } from "../tasks/task.table.ts";
import { limitCheckRunText } from "./limit-text.ts";

export const CHECK_RUN_NAME = "Cloud Agent";

export type CheckRunState =
  | { readonly status: "queued" | "in_progress" }
  | {
      readonly status: "completed";
      readonly conclusion: "success" | "failure" | "cancelled" | "neutral";
    };

export interface CheckRunContent {
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
}

/**
 * Creates or updates the task's one check run ("Cloud Agent", external_id = task id). An id stored
 * on the task is updated; without one, the check runs on the commit are searched by external_id
 * first, so a retry that lost the id never creates a second run. Returns the check run id.
 */
export async function upsertCheckRun(
  octokit: ProbotOctokit,
  redactor: Redactor,
  input: {
    task: Task;
    headSha: string;
    link: string;
    state: CheckRunState;
    content: CheckRunContent;
  },
): Promise<number> {
  const { task, link, state } = input;
  const owner = task.owner ?? "";
  const repo = task.repo ?? "";
  const output = {
    title: redactor.redact(input.content.title).slice(0, 255),
    summary: limitCheckRunText(redactor.redact(input.content.summary), link),
    ...(input.content.text === undefined
      ? {}
      : { text: limitCheckRunText(redactor.redact(input.content.text), link) }),
  };
  const fields = {
    details_url: link,
    external_id: task.id,
    status: state.status,
    output,
    ...(state.status === "completed"
      ? { conclusion: state.conclusion, completed_at: new Date().toISOString() }
      : {}),
    ...(state.status === "in_progress" ? { started_at: new Date().toISOString() } : {}),
  };
  const existingId = task.check_run_id ?? (await findCheckRun(octokit, owner, repo, input.headSha, task.id));
  if (existingId !== null) {
    await octokit.rest.checks.update({ owner, repo, check_run_id: existingId, ...fields });
    return existingId;
  }
  const created = await octokit.rest.checks.create({
    owner,
    repo,
    name: CHECK_RUN_NAME,
    head_sha: input.headSha,
    ...fields,
  });
  return created.data.id;
}

async function findCheckRun(
  octokit: ProbotOctokit,
  owner: string,
  repo: string,
  ref: string,
  taskId: string,
): Promise<number | null> {
  const response = await octokit.rest.checks.listForRef({
    owner,
    repo,
    ref,
    check_name: CHECK_RUN_NAME,
    filter: "all",
    per_page: 100,
  });
  const match = response.data.check_runs.find((run) => run.external_id === taskId);
  return match?.id ?? null;
}
