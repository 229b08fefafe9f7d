import type { Task } from "../tasks/task.table.ts";

/**
 * Credentials for the worker's own git commands (clone, fetch, push). Never handed to the agent;
 * passed to one git command at a time (GIT_CONFIG_* environment variables, never argv, a remote URL
 * or .git/config).
 */
export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}

export interface GitAuthProvider {
  /** Credentials for the task's repository, or null for local paths and public plain URLs. */
  forTask(task: Task): Promise<GitCredentials | null>;
}
