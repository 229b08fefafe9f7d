import { AppError } from "../errors.ts";
import { gitReason } from "./fetch-repository.ts";
import { runGit } from "./run-git.ts";

/** Brings the sandbox's bundle into the worker-side repository under `ref`; returns its tip. */
export async function importBundle(dir: string, bundlePath: string, ref: string): Promise<string> {
  const fetched = await runGit(["-C", dir, "fetch", "-q", "--no-tags", bundlePath, `+HEAD:${ref}`]);
  if (fetched.exitCode !== 0) {
    throw new AppError(
      "push_failed",
      `The agent's commits could not be read back: ${gitReason(fetched.stderr)}`,
      {
        retryable: false,
        step: "push",
      },
    );
  }
  const head = await runGit(["-C", dir, "rev-parse", ref]);
  return head.stdout.trim();
}
