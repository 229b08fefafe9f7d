import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "../errors.ts";
import { buildCommitMessage } from "../git/commit-message.ts";
import { buildFinishScript, parseFinishOutput } from "../git/finish-script.ts";
import { importBundle } from "../git/import-bundle.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";

export interface FinishWorkInput {
  readonly taskId: string;
  readonly prompt: string;
  readonly summary: string | null;
  readonly coAuthor: string | null;
  readonly startSha: string;
  /** Worker-side bare repository (holds startSha). */
  readonly repoDir: string;
  readonly bot: { readonly name: string; readonly email: string };
  readonly signal: AbortSignal;
}

export type FinishedWork =
  | { readonly kind: "no_changes" }
  | { readonly kind: "changes"; readonly head: string; readonly localRef: string };

const LOCAL_REF = "refs/cloud-agent/result";

/**
 * With the agent gone: commit its leftovers in the sandbox, bundle the new commits and bring them to
 * the worker's repository. The sandbox never sees a credential.
 */
export async function finishWork(sandbox: Sandbox, input: FinishWorkInput): Promise<FinishedWork> {
  const messagePath = `${sandbox.homeDir}/.cloud-agent/commit-message.txt`;
  const bundlePath = `${sandbox.homeDir}/.cloud-agent/result.bundle`;
  await sandbox.writeFile(
    messagePath,
    buildCommitMessage({
      taskId: input.taskId,
      prompt: input.prompt,
      summary: input.summary,
      coAuthor: input.coAuthor,
    }),
  );
  const script = buildFinishScript({
    startSha: input.startSha,
    messagePath,
    bundlePath,
    taskId: input.taskId,
    coAuthor: input.coAuthor,
    botName: input.bot.name,
    botEmail: input.bot.email,
  });
  const result = await sandbox.run(script, {
    cwd: sandbox.workdir,
    signal: input.signal,
    timeoutMs: 120_000,
  });
  const parsed = result.exitCode === 0 ? parseFinishOutput(result.stdout) : null;
  if (parsed === null) {
    throw new AppError(
      "push_failed",
      `Committing the agent's changes failed: ${(result.stderr.trim() || result.stdout.trim()).slice(-500)}`,
      { retryable: false, step: "commit" },
    );
  }
  if (parsed.kind === "no_changes") return parsed;
  const bundle = await sandbox.readFile(bundlePath);
  const localBundle = join(input.repoDir, "result.bundle");
  await writeFile(localBundle, bundle);
  const head = await importBundle(input.repoDir, localBundle, LOCAL_REF);
  return { kind: "changes", head, localRef: LOCAL_REF };
}
