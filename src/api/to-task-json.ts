import type { Task } from "../tasks/task.table.ts";
import type { TaskJson } from "./schema.ts";

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** A task row as the API shows it. */
export function toTaskJson(task: Task, publicUrl: string): TaskJson {
  const self = `${publicUrl}/v1/tasks/${task.id}`;
  return {
    id: task.id,
    status: task.status,
    source: task.source,
    repository_url: task.repository_url,
    prompt: task.prompt,
    base_branch: task.base_branch,
    work_branch: task.work_branch,
    commit_sha: task.commit_sha,
    result: task.result,
    error:
      task.error_code === null
        ? null
        : { code: task.error_code, message: task.error_message ?? "", step: task.error_step },
    cost_usd: task.cost_usd,
    num_turns: task.num_turns,
    duration_ms: task.duration_ms,
    agent_session_id: task.agent_session_id,
    attempt: task.attempt,
    requested_by: task.requested_by,
    github:
      task.source === "github"
        ? {
            installation_id: task.installation_id,
            owner: task.owner,
            repo: task.repo,
            issue_number: task.issue_number,
            is_pull_request: task.is_pull_request,
            trigger_comment_id: task.trigger_comment_id,
            progress_comment_id: task.progress_comment_id,
            check_run_id: task.check_run_id,
            pr_url: task.pr_url,
            pr_number: task.pr_number,
          }
        : null,
    sandbox_id: task.sandbox_id,
    links: { self, logs: `${self}/logs`, files: `${self}/files`, session: `${self}/session` },
    created_at: iso(task.created_at),
    updated_at: iso(task.updated_at),
    queued_at: isoOrNull(task.queued_at),
    started_at: isoOrNull(task.started_at),
    finished_at: isoOrNull(task.finished_at),
  };
}
