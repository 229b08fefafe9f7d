import { AppError } from "../errors.ts";
import type { GitCredentials } from "./git-auth.ts";
import { gitCredentialEnv } from "./git-credential-env.ts";
import { gitReason } from "./fetch-repository.ts";
import { runGit } from "./run-git.ts";

export interface PushInput {
  /** The worker-side bare repository, holding the bundle's commits under `localRef`. */
  readonly dir: string;
  readonly localRef: string;
  readonly url: string;
  readonly branch: string;
  /** Where the branch must be on the remote now (null: it must not exist yet). */
  readonly expectedRemoteSha: string | null;
  readonly credentials: GitCredentials | null;
  readonly signal?: AbortSignal;
}

/**
 * Pushes from the worker with credentials in the environment of this one command, leased on the
 * head the task expects, so a branch that moved under us (or a second attempt) is never overwritten.
 */
export async function pushWorkBranch(input: PushInput): Promise<void> {
  const lease = `--force-with-lease=refs/heads/${input.branch}:${input.expectedRemoteSha ?? ""}`;
  const pushed = await runGit(
    [
      "-C",
      input.dir,
      "push",
      "--porcelain",
      lease,
      "--",
      input.url,
      `${input.localRef}:refs/heads/${input.branch}`,
    ],
    {
      env: gitCredentialEnv(input.credentials),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    },
  );
  if (pushed.exitCode === 0) return;
  const output = `${pushed.stdout}\n${pushed.stderr}`;
  const reason = gitReason(pushed.stderr);
  if (/stale info|fetch first|non-fast-forward|\[rejected\]/.test(output)) {
    throw new AppError(
      "push_rejected",
      `The push to ${input.branch} was rejected because the branch changed on the remote while the agent worked. Run the task again to start from the new head.`,
      { retryable: false, step: "push" },
    );
  }
  if (/remote rejected|pre-receive hook declined|protected branch|denied/i.test(output)) {
    const remoteLines = pushed.stderr
      .split("\n")
      .filter((line) => line.startsWith("remote:"))
      .map((line) => line.slice(7).trim())
      .filter((line) => line !== "")
      .join(" ");
    throw new AppError(
      "push_rejected",
      `The remote rejected the push to ${input.branch}${remoteLines === "" ? "" : `: ${remoteLines.slice(0, 500)}`}. Check branch protection rules and the app's permissions.`,
      { retryable: false, step: "push" },
    );
  }
  const auth = /401|403|Authentication failed|could not read Username/i.test(output);
  throw new AppError(
    auth ? "push_rejected" : "push_failed",
    auth
      ? `The push to ${input.branch} was refused: the credentials lack write access (${reason}).`
      : `Pushing ${input.branch} failed: ${reason}`,
    { retryable: !auth, step: "push" },
  );
}
