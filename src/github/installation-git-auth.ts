import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { GitAuthProvider, GitCredentials } from "../git/git-auth.ts";
import type { Redactor } from "../security/redact.ts";
import type { Task } from "../tasks/task.table.ts";

/** Refresh a token this long before it expires (installation tokens live one hour). */
const REFRESH_BEFORE_MS = 10 * 60 * 1000;

export interface InstallationGitAuthDeps {
  /** An Octokit authenticated as the app itself (JWT): Probot's `app.auth()`. */
  readonly appOctokit: () => Promise<ProbotOctokit>;
  readonly redactor: Redactor;
  readonly log: Logger;
  /** Credentials for tasks without an installation (GITHUB_TOKEN, local paths). */
  readonly fallback?: GitAuthProvider | undefined;
  readonly now?: () => number;
}

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/**
 * Git credentials for the worker's clone and push: an installation token minted per task, scoped to
 * that one repository with contents:write only, refreshed before it expires on long tasks, added to
 * the redactor the moment it exists and never logged.
 */
export function createInstallationGitAuth(deps: InstallationGitAuthDeps): GitAuthProvider {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, CachedToken>();

  async function mint(task: Task & { installation_id: number; repo: string }): Promise<CachedToken> {
    const octokit = await deps.appOctokit();
    const response = await octokit.rest.apps.createInstallationAccessToken({
      installation_id: Number(task.installation_id),
      repositories: [task.repo],
      permissions: { contents: "write" },
    });
    deps.redactor.addSecret(response.data.token);
    deps.log.info({ taskId: task.id, expiresAt: response.data.expires_at }, "Installation token minted");
    return { token: response.data.token, expiresAt: Date.parse(response.data.expires_at) };
  }

  function dropExpired(): void {
    for (const [key, entry] of cache) if (entry.expiresAt <= now()) cache.delete(key);
  }

  return {
    async forTask(task): Promise<GitCredentials | null> {
      if (task.installation_id === null || task.repo === null) {
        return deps.fallback === undefined ? null : deps.fallback.forTask(task);
      }
      dropExpired();
      const key = `${task.id}:${task.installation_id}:${task.repo}`;
      const cached = cache.get(key);
      if (cached !== undefined && cached.expiresAt - now() > REFRESH_BEFORE_MS) {
        return { username: "x-access-token", password: cached.token };
      }
      const fresh = await mint({ ...task, installation_id: Number(task.installation_id), repo: task.repo });
      cache.set(key, fresh);
      return { username: "x-access-token", password: fresh.token };
    },
  };
}
