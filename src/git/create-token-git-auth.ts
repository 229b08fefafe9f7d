import type { Config } from "../config.ts";
import type { Task } from "../tasks/task.table.ts";
import type { GitAuthProvider } from "./git-auth.ts";

/**
 * The default GitAuthProvider for deployments without a GitHub App: GITHUB_TOKEN for https remotes
 * on github.com or the configured GHE host; nothing for local paths and other URLs (they clone
 * without credentials). The GitHub App provider (installation tokens) replaces it when configured.
 */
export function createTokenGitAuth(github: Pick<Config["github"], "token" | "gheHost">): GitAuthProvider {
  const hosts = new Set([
    "github.com",
    ...(github.gheHost === undefined ? [] : [github.gheHost.toLowerCase()]),
  ]);
  return {
    forTask(task: Pick<Task, "repository_url">) {
      const token = github.token;
      if (token === undefined || !hosts.has(hostOf(task.repository_url) ?? "")) return Promise.resolve(null);
      return Promise.resolve({ username: "x-access-token", password: token });
    },
  };
}

function hostOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.host.toLowerCase() : null;
  } catch {
    return null;
  }
}
