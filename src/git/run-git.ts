import { execFile } from "node:child_process";

export interface RunGitOptions {
  readonly cwd?: string;
  /** Extra environment for this one command (credentials from gitCredentialEnv). */
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly input?: Buffer;
  readonly timeoutMs?: number;
}

export interface GitResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs git on the WORKER (not in a sandbox) with a clean, predictable environment: no user or
 * system config, no prompts, English messages. A non-zero exit is a result, not an exception.
 */
export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      [...args],
      {
        cwd: options.cwd,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: "/nonexistent",
          LANG: "C",
          LC_ALL: "C",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_CONFIG_GLOBAL: "/dev/null",
          GIT_TERMINAL_PROMPT: "0",
          ...options.env,
        },
        maxBuffer: 256 * 1024 * 1024,
        encoding: "buffer",
        timeout: options.timeoutMs ?? 300_000,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (error !== null && typeof code !== "number") {
          reject(error instanceof Error ? error : new Error("git could not be started"));
          return;
        }
        resolve({
          exitCode: typeof code === "number" ? code : 0,
          stdout: stdout.toString("utf8"),
          stderr: stderr.toString("utf8"),
        });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
