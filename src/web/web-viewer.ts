import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Task } from "../tasks/task.table.ts";
import type { GitHubSessionStore } from "./github-session-store.ts";
import { GITHUB_SESSION_COOKIE, readGitHubCookieValue } from "./session-cookie.ts";
import { hasAdminSession, type AccessConfig } from "./web-access.ts";

/** Who is looking: the admin (sees everything), a GitHub user (sees their repositories), or nobody. */
export type Viewer =
  | { kind: "admin" }
  | { kind: "github"; sessionId: string; login: string; repositories: ReadonlySet<string> }
  | undefined;

export async function currentViewer(
  c: Context,
  config: AccessConfig,
  sessions: GitHubSessionStore | undefined,
): Promise<Viewer> {
  if (hasAdminSession(c, config)) return { kind: "admin" };
  const cookie = getCookie(c, GITHUB_SESSION_COOKIE);
  if (sessions === undefined || cookie === undefined) return undefined;
  const sessionId = readGitHubCookieValue(config, cookie);
  if (sessionId === undefined) return undefined;
  const viewer = await sessions.get(sessionId);
  if (viewer === undefined) return undefined;
  return { kind: "github", sessionId, login: viewer.login, repositories: new Set(viewer.repositories) };
}

/** "owner/repo" in lower case, for matching against a GitHub user's repositories. */
export function taskRepositoryKey(task: Pick<Task, "owner" | "repo">): string | undefined {
  return task.owner === null || task.repo === null ? undefined : `${task.owner}/${task.repo}`.toLowerCase();
}

export function canViewTask(viewer: Viewer, task: Pick<Task, "owner" | "repo">): boolean {
  if (viewer === undefined) return false;
  if (viewer.kind === "admin") return true;
  const key = taskRepositoryKey(task);
  return key !== undefined && viewer.repositories.has(key);
}
