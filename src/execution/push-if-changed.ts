import type { GitCredentials } from "../git/git-auth.ts";
import { pushWorkBranch } from "../git/push-work-branch.ts";
import type { ExecutionContext } from "./executor.ts";
import type { FinishedWork } from "./finish-work.ts";
import { runStep, skipStep } from "./run-step.ts";

/** Step 6b: pushes the finished work (nothing when there is none) and records the pushed commit. */
export async function pushIfChanged(
  ctx: ExecutionContext,
  work: FinishedWork,
  input: {
    repoDir: string;
    pushUrl: string;
    workBranch: string;
    expectedRemoteSha: string | null;
    /** Asked again at push time: installation tokens expire during long tasks. */
    getCredentials: () => Promise<GitCredentials | null>;
  },
): Promise<string | null> {
  if (work.kind === "no_changes") {
    await skipStep(ctx, "push", "The agent made no changes; nothing to push.");
    return null;
  }
  await runStep(ctx, "push", async () =>
    pushWorkBranch({
      dir: input.repoDir,
      localRef: work.localRef,
      url: input.pushUrl,
      branch: input.workBranch,
      expectedRemoteSha: input.expectedRemoteSha,
      credentials: await input.getCredentials(),
      signal: ctx.signal,
    }),
  );
  await ctx.update({ commit_sha: work.head });
  await ctx.emit({
    type: "pushed",
    payload: { branch: input.workBranch, commit_sha: work.head, files_changed: work.files.length },
  });
  return work.head;
}
