import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { Db } from "../db/database.ts";
import type { ExecutionResult, TaskReporter } from "../execution/executor.ts";
import type { Redactor } from "../security/redact.ts";
import type { TaskEventInput, TodoItem } from "../tasks/task-event.ts";
import type { TaskService } from "../tasks/task.service.ts";
import type { Task } from "../tasks/task.table.ts";
import { upsertCheckRun } from "./check-run.ts";
import { openPullRequest } from "./open-pull-request.ts";
import { updateProgressComment } from "./progress-comment.ts";
import { promoteNextTask } from "./promote-next-task.ts";
import { renderProgressComment, type ProgressState } from "./render-progress-comment.ts";
import { reportFinalState } from "./report-final-state.ts";

export interface GitHubReporterDeps {
  readonly db: Db;
  readonly tasks: TaskService;
  readonly redactor: Redactor;
  readonly log: Logger;
  readonly taskLink: (taskId: string) => string;
  /** An Octokit authenticated as the installation (Probot's `app.auth(id)`, tokens cached). */
  readonly octokitFor: (installationId: number) => Promise<ProbotOctokit>;
  readonly enqueue: (taskId: string) => Promise<void>;
  /** Minimum time between two edits of one progress comment. Default 3000 ms. */
  readonly editIntervalMs?: number;
}

interface LiveState {
  task: Task;
  attempt: number;
  startedAt: number;
  step: string;
  detail: string | null;
  todos: readonly TodoItem[];
  lastEditAt: number;
  timer: NodeJS.Timeout | null;
  /** Edits of one comment run one after another, never out of order. */
  chain: Promise<void>;
}

/**
 * The worker side of GitHub: edits the progress comment while the task runs (at most one edit per
 * interval), moves the check run, opens the pull request, and writes the result. Every effect is
 * fenced: an attempt that no longer holds the task changes nothing on GitHub.
 */
export function createGitHubReporter(deps: GitHubReporterDeps): TaskReporter {
  const interval = deps.editIntervalMs ?? 3000;
  const live = new Map<string, LiveState>();

  function isGitHubTask(task: Task): task is Task & { installation_id: number } {
    return task.installation_id !== null && task.owner !== null && task.repo !== null;
  }

  function progressOf(state: LiveState): ProgressState {
    return {
      phase: "running",
      step: state.step,
      detail: state.detail,
      todos: state.todos,
      elapsedMs: Date.now() - state.startedAt,
      attempt: state.attempt,
    };
  }

  /** Queues GitHub work of a live task after the earlier work; the chain never rejects. */
  function enqueueOnChain(state: LiveState, label: string, work: () => Promise<void>): Promise<void> {
    state.chain = state.chain.then(work).catch((error: unknown) => {
      deps.log.warn({ err: error, taskId: state.task.id }, `${label} failed`);
    });
    return state.chain;
  }

  function edit(state: LiveState, progress: ProgressState): Promise<void> {
    state.lastEditAt = Date.now();
    return enqueueOnChain(state, "Progress comment edit", async () => {
      const { task, attempt } = state;
      if (task.progress_comment_id === null || !(await deps.tasks.holdsAttempt(task.id, attempt))) return;
      const octokit = await deps.octokitFor(Number(task.installation_id));
      const body = renderProgressComment(task, deps.taskLink(task.id), progress);
      await updateProgressComment(octokit, deps.redactor, task, body);
    });
  }

  /** PR tasks: the check run on the head commit moves to in progress. */
  async function markCheckRunRunning(state: LiveState): Promise<void> {
    const { task, attempt } = state;
    if (!task.is_pull_request || task.head_sha === null || task.installation_id === null) return;
    const octokit = await deps.octokitFor(Number(task.installation_id));
    const link = deps.taskLink(task.id);
    const id = await upsertCheckRun(octokit, deps.redactor, {
      task,
      headSha: task.head_sha,
      link,
      state: { status: "in_progress" },
      content: { title: "Running", summary: `Task [${task.id}](${link}) is running (attempt ${attempt}).` },
    });
    if (
      task.check_run_id === null &&
      (await deps.tasks.updateIfAttempt(task.id, attempt, { check_run_id: id }))
    ) {
      state.task = { ...state.task, check_run_id: id };
    }
  }

  /** Edits now if the interval passed, else once when it does (latest state wins). */
  function scheduleEdit(state: LiveState): void {
    if (state.timer !== null) return;
    const wait = state.lastEditAt + interval - Date.now();
    if (wait <= 0) {
      void edit(state, progressOf(state));
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = null;
      void edit(state, progressOf(state));
    }, wait);
    state.timer.unref();
  }

  async function stop(taskId: string): Promise<void> {
    const state = live.get(taskId);
    if (state === undefined) return;
    if (state.timer !== null) clearTimeout(state.timer);
    live.delete(taskId);
    await state.chain.catch(() => undefined);
  }

  return {
    async onStarted(task, attempt) {
      if (!isGitHubTask(task) || task.issue_number === null) return;
      await stop(task.id);
      const current = (await deps.tasks.getTask(task.id)) ?? task;
      const state: LiveState = {
        task: current,
        attempt,
        startedAt: Date.now(),
        step: "sandbox",
        detail: null,
        todos: [],
        lastEditAt: 0,
        timer: null,
        chain: Promise.resolve(),
      };
      live.set(task.id, state);
      // The comment shows the task running and (PR tasks) the check run moves to in progress, in
      // order on the task's chain but not awaited: the sandbox and the agent never wait for GitHub
      // (its write cap can hold a write for seconds). onFinished waits for the chain.
      void edit(state, progressOf(state));
      void enqueueOnChain(state, "Check run update", () => markCheckRunRunning(state));
    },

    onEvent(task, _attempt, event) {
      const state = live.get(task.id);
      if (state === undefined) return Promise.resolve();
      if (applyEvent(state, event)) scheduleEdit(state);
      return Promise.resolve();
    },

    async onSucceeded(task, attempt, result: ExecutionResult) {
      if (!isGitHubTask(task) || task.is_pull_request) return;
      // The pull request is part of success: if opening it fails, the attempt fails (and retries).
      const octokit = await deps.octokitFor(task.installation_id);
      const opened = await openPullRequest(octokit, deps.redactor, {
        task: (await deps.tasks.getTask(task.id)) ?? task,
        result,
        link: deps.taskLink(task.id),
      });
      if (opened === null) return;
      await deps.tasks.updateIfAttempt(task.id, attempt, { pr_url: opened.url, pr_number: opened.number });
      await deps.tasks.appendEvent(task.id, { type: "pull_request", payload: opened }, { attempt });
    },

    async onRetrying(task, attempt, error) {
      const state = live.get(task.id);
      await stop(task.id);
      if (state === undefined || !isGitHubTask(task)) return;
      const octokit = await deps.octokitFor(task.installation_id);
      const body = renderProgressComment(state.task, deps.taskLink(task.id), {
        phase: "retrying",
        attempt,
        reason: error.message.slice(0, 300),
      });
      await updateProgressComment(octokit, deps.redactor, state.task, body);
    },

    async onFinished(task, attempt) {
      await stop(task.id);
      if (!isGitHubTask(task) || task.issue_number === null) return;
      // A late attempt (superseded by a retry) reports nothing.
      const current = await deps.tasks.getTask(task.id);
      if (current === undefined || current.attempt !== attempt) return;
      const octokit = await deps.octokitFor(task.installation_id);
      // 1. Result (or failure) in the comment and the check run.
      await reportFinalState(octokit, deps, current);
      // 2. The next task waiting on this conversation starts now.
      const next = await promoteNextTask(deps.db, current);
      if (next !== undefined) {
        await deps.enqueue(next.id);
        if (next.progress_comment_id !== null) {
          const body = renderProgressComment(next, deps.taskLink(next.id), { phase: "queued", position: 1 });
          await updateProgressComment(octokit, deps.redactor, next, body);
        }
      }
    },
  };
}

/** Updates the live state from an event; true when the comment would show something new. */
function applyEvent(state: LiveState, event: TaskEventInput): boolean {
  switch (event.type) {
    case "step":
      if (event.payload.state !== "started") return false;
      state.step = event.payload.step;
      state.detail = null;
      return true;
    case "todo":
      state.todos = event.payload.items;
      return true;
    case "tool_call":
      state.detail = event.payload.summary.slice(0, 120);
      return true;
    default:
      return false;
  }
}
