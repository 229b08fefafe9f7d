import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

export type TaskStatus = "pending" | "queued" | "running" | "completed" | "failed" | "cancelled";
export type TaskSource = "api" | "github";
/** What kind of GitHub comment triggered the task. */
export type TriggerKind = "issue_comment" | "review_comment" | "review" | "issue";

/** Per-task options: from the API body or the repository's .github/cloud-agent.yml. */
export interface TaskOptions {
  model?: string;
  max_turns?: number;
  timeout_seconds?: number;
  pr_mode?: "draft" | "ready" | "none";
  branch_prefix?: string;
  setup_commands?: string[];
  allowed_hosts?: string[];
  create_pull_request?: boolean;
  /** Start a fresh agent session instead of resuming the conversation's last one. */
  new_session?: boolean;
  /** Extra context for the prompt (issue/PR thread), already sanitized. */
  context?: string;
  /** Review comment position: file and lines the comment is on. */
  review?: { path: string; start_line?: number; line?: number; diff_hunk?: string; thread_id?: number };
  /** Fork PRs: where to push (owner/repo of the head) when maintainers may edit. */
  head_repository_url?: string;
  requester_email?: string;
}

/** Selected as Date; optional on insert (database default or null). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | T, string | T>;
/** pg returns bigint as string; we store GitHub ids that fit in a JS number. */
type BigId = ColumnType<number, number | bigint | string, number | bigint | string>;

export interface TasksTable {
  id: string;
  repository_url: string;
  prompt: string;
  status: TaskStatus;
  source: TaskSource;
  options: Json<TaskOptions>;
  base_branch: string | null;
  work_branch: string | null;
  head_sha: string | null;
  commit_sha: string | null;
  installation_id: BigId | null;
  owner: string | null;
  repo: string | null;
  issue_number: number | null;
  is_pull_request: Generated<boolean>;
  trigger_comment_id: BigId | null;
  trigger_kind: TriggerKind | null;
  delivery_id: string | null;
  progress_comment_id: BigId | null;
  check_run_id: BigId | null;
  pr_url: string | null;
  pr_number: number | null;
  sandbox_id: string | null;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  error_step: string | null;
  cost_usd: number | null;
  num_turns: number | null;
  duration_ms: number | null;
  agent_session_id: string | null;
  resume_session_id: string | null;
  claude_code_version: string | null;
  attempt: Generated<number>;
  last_event_seq: Generated<number>;
  requested_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  queued_at: Timestamp | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface TaskEventsTable {
  task_id: string;
  seq: number;
  type: string;
  payload: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface TaskArtifactsTable {
  task_id: string;
  kind: "file" | "session";
  path: string;
  /** For files: added | modified | deleted | renamed. */
  change: string | null;
  old_path: string | null;
  additions: number | null;
  deletions: number | null;
  diff: string | null;
  /** For the session: the JSONL session file Claude Code wrote. */
  content: string | null;
  created_at: Timestamp;
}

/** The stored form of an interrupted command (validated by src/github/delivery-work.ts on read). */
export type DeliveryWorkJson = Record<string, unknown>;

export interface WebhookDeliveriesTable {
  delivery_id: string;
  event: string;
  action: string | null;
  task_id: string | null;
  outcome: string | null;
  received_at: Timestamp;
  /** Commands: the parsed trigger and command (JSON), for resuming an interrupted delivery. */
  work: Json<DeliveryWorkJson> | null;
  /** Times a process started working on the command (0: only recorded). */
  attempts: Generated<number>;
  /** Until then the process that claimed the command owns it; after it, another may resume it. */
  lease_until: Timestamp | null;
}

export interface InstallationsTable {
  id: BigId;
  account_login: string;
  account_type: string | null;
  repository_selection: string | null;
  suspended_at: Timestamp | null;
  deleted_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SandboxesTable {
  id: string;
  provider: string;
  task_id: string | null;
  attempt: number;
  created_at: Timestamp;
  destroyed_at: Timestamp | null;
}

export type Task = Selectable<TasksTable>;
export type NewTask = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;
export type TaskEventRow = Selectable<TaskEventsTable>;
export type TaskArtifact = Selectable<TaskArtifactsTable>;
