import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPrompt } from "../agent/build-prompt.ts";
import { mapAgentFailure } from "../agent/map-agent-failure.ts";
import { coAuthorOf, hasTaskTrailer } from "../git/commit-message.ts";
import { fetchRepository } from "../git/fetch-repository.ts";
import { isValidBranchName, uniqueWorkBranchName, workBranchName } from "../git/work-branch-name.ts";
import { AppError } from "../errors.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";
import type { ExecutionContext, ExecutionResult } from "./executor.ts";
import { DEFAULT_BOT, type ClaudeCodeExecutorDeps } from "./executor-deps.ts";
import { copyRepositoryIntoSandbox } from "./copy-repository-into-sandbox.ts";
import { finishWork } from "./finish-work.ts";
import { pushIfChanged } from "./push-if-changed.ts";
import { reportEarlierPush } from "./report-earlier-push.ts";
import { runClaudeCode, type AgentRun } from "./run-claude-code.ts";
import { runSetupCommands } from "./run-setup-commands.ts";
import { runStep } from "./run-step.ts";
import { readSession, restoreEarlierSession } from "./session-files.ts";
import { startSandbox } from "./start-sandbox.ts";
import { credentialsFor } from "./task-credentials.ts";

/** Extra sandbox lifetime beyond the task's time limit, so the executor (not the provider) ends it. */
const SANDBOX_GRACE_MS = 120_000;

/**
 * One attempt of a task: prompt in, pushed branch out. The worker owns the task's status; this
 * returns the result or throws an AppError naming the failed step.
 */
export async function processTask(
  deps: ClaudeCodeExecutorDeps,
  ctx: ExecutionContext,
): Promise<ExecutionResult> {
  const { task, signal } = ctx;
  const bot = deps.bot ?? DEFAULT_BOT;
  const pushUrl = task.options.head_repository_url ?? task.repository_url;
  const presetBranch = task.work_branch !== null && task.work_branch !== "";
  let workBranch = workBranchName(task);
  if (!isValidBranchName(workBranch)) {
    throw new AppError("clone_failed", `"${workBranch}" is not a valid branch name.`, { step: "clone" });
  }
  const repoDir = await mkdtemp(join(deps.workRoot ?? tmpdir(), "cloud-agent-git-"));
  let sandbox: Sandbox | undefined;
  try {
    // 1+2. Sandbox up and repository fetched at the same time: neither needs the other, and
    // together they are most of the wait before the agent's first model request.
    const timeoutMs = (task.options.timeout_seconds ?? 0) * 1000 || deps.config.taskTimeoutMs;
    const [started, fetched] = await Promise.allSettled([
      runStep(ctx, "sandbox", async () => {
        // A crashed earlier attempt may have left its sandbox running: remove it meanwhile.
        const previous = destroyPrevious(deps, ctx);
        const created = await startSandbox(deps, task, timeoutMs + SANDBOX_GRACE_MS);
        sandbox = created;
        await ctx.update({ sandbox_id: created.id });
        await previous;
        return created;
      }),
      runStep(ctx, "clone", async () =>
        fetchRepository({
          dir: join(repoDir, "repo.git"),
          url: task.repository_url,
          credentials: await credentialsFor(deps, task),
          baseBranch: task.base_branch,
          workBranch,
          ...(pushUrl === task.repository_url ? {} : { workUrl: pushUrl }),
          signal,
        }),
      ),
    ]);
    if (started.status === "rejected") throw started.reason;
    if (fetched.status === "rejected") throw fetched.reason;
    const box = started.value;
    const repo = fetched.value;

    // 2b. A retry after the push already happened must not push (or run the agent) again.
    if (repo.remoteWorkSha !== null && hasTaskTrailer(repo.remoteWorkMessage ?? "", task.id)) {
      return await reportEarlierPush(ctx, repo, workBranch);
    }
    // Never the default branch (nor the base of a non-PR task): only branches the task owns.
    if (
      pushUrl === task.repository_url &&
      [repo.defaultBranch, task.is_pull_request ? null : repo.baseBranch].includes(workBranch)
    ) {
      throw new AppError(
        "push_rejected",
        `Cloud Agent does not push to ${workBranch}, the repository's main line; use a work branch.`,
        {
          retryable: false,
          step: "clone",
        },
      );
    }
    // A generated name someone else already uses gets this task's id; a preset branch is continued.
    if (!presetBranch && repo.remoteWorkSha !== null) workBranch = uniqueWorkBranchName(workBranch, task.id);
    const expectedRemoteSha = presetBranch ? repo.remoteWorkSha : null;
    const startSha = expectedRemoteSha ?? repo.baseSha;
    await ctx.update({ work_branch: workBranch, base_branch: repo.baseBranch, head_sha: startSha });

    // 2c. The working copy in the sandbox (PR tasks: Claude Code's config from the base branch),
    // and the earlier session file for a follow-up.
    const resumeId =
      task.resume_session_id !== null && task.options.new_session !== true ? task.resume_session_id : null;
    await runStep(ctx, "clone", async () => {
      await Promise.all([
        copyRepositoryIntoSandbox(box, {
          repoDir: repo.dir,
          displayUrl: pushUrl,
          workBranch,
          startSha,
          configFromBranch: task.is_pull_request && presetBranch ? repo.baseBranch : null,
          bot,
          signal,
        }),
        resumeId === null ? Promise.resolve() : restoreEarlierSession(deps, box, resumeId),
      ]);
    });

    // 3. Setup commands (install dependencies, …) so the agent can build and test.
    const setup = task.options.setup_commands ?? [];
    if (setup.length > 0) await runStep(ctx, "setup", () => runSetupCommands(ctx, box, setup));

    // 4+5. Claude Code on the prompt, its stream turned into task events as they arrive.
    const run: AgentRun = await runStep(ctx, "agent", async () => {
      const agentRun = await runClaudeCode(ctx, box, deps.redactor, {
        prompt: buildPrompt(task.prompt, task.options.context),
        model: task.options.model ?? deps.config.agent.model,
        maxTurns: task.options.max_turns ?? deps.config.agent.maxTurns,
        resumeSessionId: resumeId ?? undefined,
        binary: deps.claudeBinary,
        idleTimeoutMs: deps.config.agent.idleTimeoutMs,
        onVersion: (version) => void ctx.update({ claude_code_version: version }).catch(() => undefined),
      });
      const failure = mapAgentFailure({
        exitCode: agentRun.exitCode,
        result: agentRun.stream.result,
        stderrTail: agentRun.stderrTail,
      });
      if (failure !== null) throw failure;
      return agentRun;
    });
    const summary = run.stream.result?.result ?? run.stream.lastText;

    // 6+7. The agent has exited: commit, bundle, diff and push from the worker, while the
    // session file is read out (independent, so side by side).
    const [work, session] = await Promise.all([
      runStep(ctx, "commit", () =>
        finishWork(box, {
          taskId: task.id,
          prompt: task.prompt,
          summary,
          coAuthor:
            task.source === "github" ? coAuthorOf(task.requested_by, task.options.requester_email) : null,
          startSha,
          repoDir: repo.dir,
          bot,
          signal,
        }),
      ),
      readSession(box, run.stream.sessionId),
    ]);
    const { commitSha, files } = await pushIfChanged(ctx, work, {
      repoDir: repo.dir,
      startSha,
      pushUrl,
      workBranch,
      expectedRemoteSha,
      getCredentials: () => credentialsFor(deps, task),
    });

    return {
      outcome: work.kind,
      summary,
      costUsd: run.stream.result?.total_cost_usd ?? null,
      numTurns: run.stream.result?.num_turns ?? null,
      durationMs: run.stream.result?.duration_ms ?? null,
      sessionId: run.stream.sessionId,
      baseBranch: repo.baseBranch,
      workBranch,
      commitSha,
      files,
      session,
    };
  } finally {
    // 8. Always: the sandbox and the worker's copy go, whatever happened.
    await Promise.all([
      sandbox?.destroy().catch((error: unknown) => ctx.log.warn({ err: error }, "Sandbox destroy failed")),
      rm(repoDir, { recursive: true, force: true }),
    ]);
  }
}

function destroyPrevious(deps: ClaudeCodeExecutorDeps, ctx: ExecutionContext): Promise<void> {
  const previous = ctx.task.sandbox_id;
  if (previous === null || previous === "") return Promise.resolve();
  return deps.sandboxes
    .destroyById(previous)
    .catch((error: unknown) =>
      ctx.log.warn({ err: error, sandboxId: previous }, "Destroying an earlier attempt's sandbox failed"),
    );
}
