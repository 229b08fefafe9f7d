import { z } from "zod";
import { TASK_STATUSES } from "../tasks/task-status.ts";

/** Every HTTP edge schema of /v1 (requests parsed with them, the OpenAPI document built from them). */

/** Longest prompt accepted (characters). A 1 MB prompt is refused. */
export const MAX_PROMPT_LENGTH = 100_000;
/** Largest request body accepted on /v1 (bytes); larger bodies get 413. */
export const MAX_BODY_BYTES = 512 * 1024;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)[A-Za-z0-9._~/-]+$/;

/** https/http/ssh git URLs (also `git@host:owner/repo`) or a local path; never an option for git. */
export const RepositoryUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => !CONTROL_CHARS.test(value), "must not contain control characters")
  .refine((value) => !value.startsWith("-"), "must not start with '-'")
  .refine((value) => !/\s/.test(value), "must not contain whitespace")
  .refine(
    isRepositoryLocation,
    "must be an https://, http:// or ssh:// git URL, git@host:path, or a local path",
  )
  .meta({
    description:
      "Git repository: https://, http://, ssh:// URL, git@host:owner/repo, or an absolute local path",
    examples: ["https://github.com/octo/hello.git"],
  });

function isRepositoryLocation(value: string): boolean {
  if (value.startsWith("/")) return !value.includes("\\");
  if (SCP_LIKE.test(value)) return true;
  try {
    const url = new URL(value);
    return (
      ["https:", "http:", "ssh:", "file:"].includes(url.protocol) &&
      (url.protocol === "file:" || url.host !== "")
    );
  } catch {
    return false;
  }
}

/** A branch name git would accept as a ref (no option-looking or traversal names). */
export const BranchName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._/-]+(?<![./])$/, "must be a valid git branch name")
  .meta({ description: "Git branch name", examples: ["main"] });

export const CreateTaskBody = z.strictObject({
  repository_url: RepositoryUrl,
  prompt: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(MAX_PROMPT_LENGTH, `must be at most ${MAX_PROMPT_LENGTH} characters`)
    .meta({ description: "What the agent should do" }),
  base_branch: BranchName.optional().meta({
    description: "Branch to start from; default: the repository's default branch",
  }),
  create_pull_request: z.boolean().optional().meta({
    description: "Open a pull request for the pushed branch (GitHub repositories the app is installed on)",
  }),
});
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;

export const TaskStatusSchema = z.enum(TASK_STATUSES);

export const ListTasksQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .meta({ description: "Page size (1-100), default 20" }),
  cursor: z.string().max(200).optional().meta({ description: "next_cursor of the previous page" }),
  status: TaskStatusSchema.optional(),
  repository: z.string().max(2048).optional().meta({ description: "Exact repository_url" }),
});

export const TaskIdParams = z.strictObject({ id: z.uuid().meta({ description: "Task id" }) });

export const LogsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).max(2_147_483_647).default(0).meta({
    description: "Only events with a larger seq",
  }),
  limit: z.coerce.number().int().min(1).max(1000).default(500).meta({ description: "Max events (1-1000)" }),
});

export const SessionQuery = z.strictObject({
  format: z.enum(["json", "jsonl"]).default("json").meta({
    description: "json: metadata + content; jsonl: the raw session file",
  }),
});

const Timestamp = z.iso.datetime({ offset: true });

export const TaskJson = z.object({
  id: z.uuid(),
  status: TaskStatusSchema,
  source: z.enum(["api", "github"]),
  repository_url: z.string(),
  prompt: z.string(),
  base_branch: z.string().nullable(),
  work_branch: z.string().nullable(),
  commit_sha: z.string().nullable(),
  result: z.string().nullable().meta({ description: "The agent's final summary" }),
  error: z
    .object({ code: z.string(), message: z.string(), step: z.string().nullable() })
    .nullable()
    .meta({ description: "Why the task failed or was cancelled" }),
  cost_usd: z.number().nullable(),
  num_turns: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  agent_session_id: z.string().nullable(),
  attempt: z.number().int(),
  requested_by: z.string().nullable(),
  github: z
    .object({
      installation_id: z.number().nullable(),
      owner: z.string().nullable(),
      repo: z.string().nullable(),
      issue_number: z.number().int().nullable(),
      is_pull_request: z.boolean(),
      trigger_comment_id: z.number().nullable(),
      progress_comment_id: z.number().nullable(),
      check_run_id: z.number().nullable(),
      pr_url: z.string().nullable(),
      pr_number: z.number().int().nullable(),
    })
    .nullable(),
  sandbox_id: z.string().nullable(),
  links: z.object({ self: z.string(), logs: z.string(), files: z.string(), session: z.string() }),
  created_at: Timestamp,
  updated_at: Timestamp,
  queued_at: Timestamp.nullable(),
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
});
export type TaskJson = z.infer<typeof TaskJson>;

export const TaskList = z.object({
  data: z.array(TaskJson),
  next_cursor: z
    .string()
    .nullable()
    .meta({ description: "Pass as ?cursor= for the next page; null on the last" }),
});

export const TaskEventJson = z.object({
  seq: z.number().int().meta({ description: "Per-task sequence number, from 1" }),
  type: z.string().meta({
    description:
      "status, attempt, step, log, assistant_text, tool_call, tool_result, todo, result, pushed, pull_request, error",
  }),
  payload: z.record(z.string(), z.unknown()),
  created_at: Timestamp,
});

export const TaskLogs = z.object({
  data: z.array(TaskEventJson),
  next_after: z.number().int().meta({ description: "Pass as ?after= to read on" }),
  has_more: z.boolean(),
  task_status: TaskStatusSchema,
});

export const ChangedFileJson = z.object({
  path: z.string(),
  change: z.enum(["added", "modified", "deleted", "renamed"]),
  old_path: z.string().nullable(),
  additions: z.number().int(),
  deletions: z.number().int(),
  diff: z.string().meta({ description: "Unified diff" }),
});

export const TaskFiles = z.object({ data: z.array(ChangedFileJson) });

export const TaskSession = z.object({
  task_id: z.uuid(),
  session_id: z.string().nullable(),
  relative_path: z.string().meta({ description: "Path under ~/.claude/projects where Claude Code wrote it" }),
  work_branch: z.string().nullable(),
  content: z.string().meta({ description: "The session JSONL" }),
  resume: z.object({
    commands: z.array(z.string()).meta({ description: "Shell commands that resume the session locally" }),
  }),
});

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().meta({ examples: ["validation_failed"] }),
    message: z.string(),
    details: z.unknown().meta({ description: "For validation errors: [{ field, message }]" }),
  }),
});

export const Health = z.object({
  status: z.enum(["ok", "degraded"]),
  db: z.object({ ok: z.boolean(), latency_ms: z.number().nullable(), error: z.string().optional() }),
  redis: z.object({ ok: z.boolean(), latency_ms: z.number().nullable(), error: z.string().optional() }),
});
