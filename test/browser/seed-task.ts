import type { TaskEventInput } from "../../src/tasks/task-event.ts";
import type { TaskService } from "../../src/tasks/task.service.ts";

/** Test data for the task pages, written through the tasks service exactly as the worker writes it. */

export const SAMPLE_DIFF = [
  "diff --git a/src/date.ts b/src/date.ts",
  "--- a/src/date.ts",
  "+++ b/src/date.ts",
  "@@ -1,4 +1,4 @@",
  " // Formats a date for the report",
  "-export function format(date: Date): string {",
  '-  return date.toLocaleDateString("en-US");',
  '+export function format(date: Date, timeZone = "UTC"): string {',
  '+  return date.toLocaleDateString("en-US", { timeZone });',
  " }",
].join("\n");

export function runningEvents(): TaskEventInput[] {
  return [
    { type: "step", payload: { step: "sandbox", state: "finished", duration_ms: 850 } },
    { type: "step", payload: { step: "clone", state: "finished", duration_ms: 1200 } },
    { type: "assistant_text", payload: { text: "I'll look at the **flaky date test** first." } },
    {
      type: "todo",
      payload: {
        items: [
          { content: "Reproduce the flaky test", status: "completed" },
          {
            content: "Fix the time zone handling",
            status: "in_progress",
            activeForm: "Fixing the time zone handling",
          },
          { content: "Run the test suite", status: "pending" },
        ],
      },
    },
    {
      type: "tool_call",
      payload: {
        id: "toolu_01",
        name: "Bash",
        summary: "npm test -- date",
        input: { command: "npm test -- date" },
      },
    },
    {
      type: "tool_result",
      payload: {
        tool_use_id: "toolu_01",
        is_error: false,
        output: "1 failing: expected 11/22 to be 11/23",
        truncated: false,
      },
    },
  ];
}

export async function createRunningTask(
  tasks: TaskService,
  options: { repository?: string; prompt?: string; events?: TaskEventInput[] } = {},
): Promise<{ id: string; attempt: number }> {
  const repositoryUrl = options.repository ?? "https://github.com/acme/widgets";
  const [owner, repo] = new URL(repositoryUrl).pathname.slice(1).split("/");
  const task = await tasks.createTask({
    repository_url: repositoryUrl,
    prompt: options.prompt ?? "fix the flaky date test",
    source: "github",
    options: {},
    owner: owner ?? null,
    repo: repo ?? null,
    issue_number: 42,
    requested_by: "octocat",
    status: "queued",
  });
  const claimed = await tasks.claimAttempt(task.id, "worker-1");
  if (claimed === undefined) throw new Error("claim failed");
  for (const event of options.events ?? runningEvents()) {
    await tasks.appendEvent(task.id, event, { attempt: claimed.attempt });
  }
  return { id: task.id, attempt: claimed.attempt };
}

export async function completeTask(tasks: TaskService, id: string, attempt: number): Promise<void> {
  await tasks.appendEvent(
    id,
    {
      type: "todo",
      payload: {
        items: [
          { content: "Reproduce the flaky test", status: "completed" },
          { content: "Fix the time zone handling", status: "completed" },
          { content: "Run the test suite", status: "completed" },
        ],
      },
    },
    { attempt },
  );
  await tasks.appendEvent(
    id,
    {
      type: "assistant_text",
      payload: { text: "Fixed: `format` now uses UTC.\n\n- pinned the time zone\n- added a test" },
    },
    { attempt },
  );
  await tasks.appendEvent(
    id,
    {
      type: "result",
      payload: {
        subtype: "success",
        is_error: false,
        summary: "Pinned the report date to UTC.",
        cost_usd: 0.0421,
        num_turns: 7,
        duration_ms: 64000,
        session_id: "s-1",
      },
    },
    { attempt },
  );
  await tasks.saveArtifacts(
    id,
    attempt,
    [{ path: "src/date.ts", change: "modified", additions: 2, deletions: 2, diff: SAMPLE_DIFF }],
    null,
  );
  await tasks.appendEvent(
    id,
    {
      type: "pushed",
      payload: { branch: "agent/fix-date-42", commit_sha: "0123456789abcdef0123", files_changed: 1 },
    },
    { attempt },
  );
  await tasks.transition(id, "completed", {
    attempt,
    fields: {
      cost_usd: 0.0421,
      num_turns: 7,
      duration_ms: 64000,
      work_branch: "agent/fix-date-42",
      result: "Pinned the report date to UTC.",
    },
  });
}

export async function failTask(tasks: TaskService, id: string, attempt: number): Promise<void> {
  await tasks.appendEvent(
    id,
    { type: "step", payload: { step: "push", state: "failed", message: "Push rejected: branch protection" } },
    { attempt },
  );
  await tasks.appendEvent(
    id,
    {
      type: "error",
      payload: {
        code: "push_rejected",
        message: "Push rejected: branch protection",
        step: "push",
        retryable: false,
      },
    },
    { attempt },
  );
  await tasks.transition(id, "failed", {
    attempt,
    fields: {
      error_code: "push_rejected",
      error_step: "push",
      error_message: "The push was rejected by branch protection on agent/fix-date-42.",
    },
  });
}
