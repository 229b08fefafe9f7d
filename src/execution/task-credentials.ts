import type { GitCredentials } from "../git/git-auth.ts";
import { credentialSecrets } from "../git/git-credential-env.ts";
import type { Task } from "../tasks/task.table.ts";
import type { ClaudeCodeExecutorDeps } from "./executor-deps.ts";

/** The task's git credentials, registered with the redactor before anything can print them. */
export async function credentialsFor(
  deps: ClaudeCodeExecutorDeps,
  task: Task,
): Promise<GitCredentials | null> {
  const credentials = await deps.gitAuth.forTask(task);
  for (const secret of credentialSecrets(credentials)) deps.redactor.addSecret(secret);
  return credentials;
}
