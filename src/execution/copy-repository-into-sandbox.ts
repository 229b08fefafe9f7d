import { buildCheckoutScript } from "../git/checkout-script.ts";
import { packRepository } from "../git/pack-repository.ts";
import { AppError } from "../errors.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";

export interface CopyRepositoryInput {
  readonly repoDir: string;
  readonly displayUrl: string;
  readonly workBranch: string;
  readonly startSha: string;
  readonly configFromBranch: string | null;
  readonly bot: { readonly name: string; readonly email: string };
  readonly signal: AbortSignal;
}

/**
 * Copies the worker's shallow fetch into the sandbox's workdir and checks out the work branch. The
 * credentials that fetched it never enter the sandbox; nothing in the copy refers to them.
 */
export async function copyRepositoryIntoSandbox(sandbox: Sandbox, input: CopyRepositoryInput): Promise<void> {
  const tar = await packRepository(input.repoDir);
  const tarPath = `${sandbox.homeDir}/.cloud-agent/repo.tar`;
  await sandbox.writeFile(tarPath, tar);
  const script = buildCheckoutScript({
    tarPath,
    displayUrl: input.displayUrl,
    workBranch: input.workBranch,
    startSha: input.startSha,
    configFromBranch: input.configFromBranch,
    botName: input.bot.name,
    botEmail: input.bot.email,
  });
  const result = await sandbox.run(script, {
    cwd: sandbox.workdir,
    signal: input.signal,
    timeoutMs: 300_000,
  });
  if (result.exitCode !== 0) {
    throw new AppError(
      "clone_failed",
      `Checking out the repository in the sandbox failed: ${result.stderr.trim().slice(-500)}`,
      {
        retryable: true,
        step: "clone",
      },
    );
  }
}
