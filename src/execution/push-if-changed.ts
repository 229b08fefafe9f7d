import { collectChangedFiles } from "../git/collect-changed-files.ts";
import type { GitCredentials } from "../git/git-auth.ts";
import { pushWorkBranch } from "../git/push-work-branch.ts";
import type { ChangedFile, ExecutionContext } from "./executor.ts";
import type { FinishedWork } from "./finish-work.ts";
import { runStep, skipStep } from "./run-step.ts";

/**
 * Step 6b: pushes the finished work (nothing when there is none) and records the pushed commit. The
 * diff against the start is computed while the push is on the wire.
 */
export async function pushIfChanged(
  ctx: ExecutionContext,
  work: FinishedWork,
  input: {
    repoDir: string;
    startSha: string;
    pushUrl: string;
    workBranch: string;
    expectedRemoteSha: string | null;
    /** Asked again at push time: installation tokens expire during long tasks. */
    getCredentials: () => Promise<GitCredentials | null>;
  },
): Promise<{ commitSha: string | null; files: ChangedFile[] }> {
  if (work.kind === "no_changes") {
    await skipStep(ctx, "push", "The agent made no changes; nothing to push.");
    return { commitSha: null, files: [] };
  }
  const files = await runStep(ctx, "push", async () => {
    const [, changed] = await Promise.all([
      pushWorkBranch({
        dir: input.repoDir,
        localRef: work.localRef,
        url: input.pushUrl,
        branch: input.workBranch,
        expectedRemoteSha: input.expectedRemoteSha,
        credentials: await input.getCredentials(),
        signal: ctx.signal,
      }),
      collectChangedFiles(input.repoDir, input.startSha, work.head),
    ]);
    return changed;
  });
  await ctx.update({ commit_sha: work.head });
  await ctx.emit({
    type: "pushed",
    payload: { branch: input.workBranch, commit_sha: work.head, files_changed: files.length },
  });
  return { commitSha: work.head, files };
}
