import { collectChangedFiles } from "../git/collect-changed-files.ts";
import type { FetchedRepository } from "../git/fetch-repository.ts";
import type { ExecutionContext, ExecutionResult } from "./executor.ts";
import { skipStep } from "./run-step.ts";

/** An earlier attempt of this task already pushed its commit: report it instead of redoing the work. */
export async function reportEarlierPush(
  ctx: ExecutionContext,
  repo: FetchedRepository,
  workBranch: string,
): Promise<ExecutionResult> {
  const head = repo.remoteWorkSha ?? "";
  const message = `An earlier attempt already pushed ${head.slice(0, 12)} to ${workBranch}; not running the agent again.`;
  await skipStep(ctx, "agent", message);
  await skipStep(ctx, "push", message);
  const files = await collectChangedFiles(repo.dir, `refs/heads/${repo.baseBranch}`, head).catch(() => []);
  await ctx.update({ work_branch: workBranch, base_branch: repo.baseBranch, commit_sha: head });
  return {
    outcome: "changes",
    summary: summaryFromMessage(repo.remoteWorkMessage ?? ""),
    costUsd: null,
    numTurns: null,
    durationMs: null,
    sessionId: null,
    baseBranch: repo.baseBranch,
    workBranch,
    commitSha: head,
    files,
    session: null,
  };
}

function summaryFromMessage(message: string): string | null {
  const body = message.split("\n\n").slice(1, 2).join("").trim();
  return body === "" ? null : body;
}
