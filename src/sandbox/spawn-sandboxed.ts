import { spawn } from "node:child_process";
import { constants } from "node:os";
import { StringDecoder } from "node:string_decoder";
import { createCappedText } from "./capped-text.ts";
import { createGuardedLineListeners } from "./split-lines.ts";

/** Output kept in memory per stream; callers that need everything read it line by line. */
const MAX_KEPT_BYTES = 16 * 1024 * 1024;
/** After SIGKILL the pipes close within milliseconds; this only guards against a stuck descriptor. */
const CLOSE_GRACE_MS = 1500;

/** Why a command was stopped; "listener_failed": an onStdout/onStderr callback threw. */
export type StopReason = "timeout" | "aborted" | "destroyed" | "sandbox_timeout" | "listener_failed";

export type SpawnOutcome =
  | { readonly kind: "exited"; readonly exitCode: number; readonly stdout: string; readonly stderr: string }
  | {
      readonly kind: "stopped";
      readonly reason: StopReason;
      readonly stdout: string;
      readonly stderr: string;
    };

export interface SpawnSandboxedOptions {
  /** Host-side bash script that ends by exec'ing the bubblewrap invocation. */
  readonly script: string;
  /** The complete environment (nothing is inherited from the worker). */
  readonly env: Readonly<Record<string, string>>;
  readonly stdin?: string | undefined;
  readonly onStdout?: ((line: string) => void) | undefined;
  readonly onStderr?: ((line: string) => void) | undefined;
  /** Kills what the process group kill cannot reach (the sandbox's cgroup). */
  readonly killRest: () => Promise<void>;
}

export interface SpawnedCommand {
  readonly outcome: Promise<SpawnOutcome>;
  /** Kills the whole process tree; the outcome then reports `reason`. The first reason wins. */
  stop(reason: StopReason): void;
  /** The error an onStdout/onStderr callback threw (the command was then stopped), if any. */
  listenerError(): unknown;
  /** Adds a line to the command's stderr (the sandbox's own notices, e.g. a blocked connection). */
  notice(line: string): void;
}

/** Spawns one sandboxed command in its own process group and streams its output line by line. */
export function spawnSandboxed(options: SpawnSandboxedOptions): SpawnedCommand {
  const child = spawn("/bin/bash", ["-c", options.script], {
    env: options.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout = createCappedText(MAX_KEPT_BYTES);
  const stderr = createCappedText(MAX_KEPT_BYTES);
  const outText = new StringDecoder("utf8");
  const errText = new StringDecoder("utf8");
  // A throwing callback must not crash the worker from inside a stream event: stop the command and
  // hand the error to the caller instead.
  const lines = createGuardedLineListeners(options, () => command.stop("listener_failed"));
  let stopReason: StopReason | undefined;

  const outcome = new Promise<SpawnOutcome>((resolve) => {
    let exitCode: number | null = null;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      lines.stdout.end();
      lines.stderr.end();
      stdout.append(outText.end());
      stderr.append(errText.end());
      if (stopReason !== undefined) {
        resolve({ kind: "stopped", reason: stopReason, stdout: stdout.text(), stderr: stderr.text() });
      } else {
        resolve({ kind: "exited", exitCode: exitCode ?? 1, stdout: stdout.text(), stderr: stderr.text() });
      }
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.append(outText.write(chunk));
      lines.stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr.append(errText.write(chunk));
      lines.stderr.push(chunk);
    });
    child.on("error", (error) => {
      stderr.append(`${error.message}\n`);
      lines.stderrLine(error.message);
      exitCode = 127;
      finish();
    });
    child.on("exit", (code, signal) => {
      exitCode = code ?? 128 + signalNumber(signal);
      // Pipes held by a straggler must not keep the caller waiting.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, CLOSE_GRACE_MS).unref();
    });
    child.on("close", finish);
  });

  child.stdin.on("error", () => undefined);
  child.stdin.end(options.stdin);

  const command: SpawnedCommand = {
    outcome,
    listenerError: () => lines.error(),
    stop(reason) {
      stopReason ??= reason;
      if (child.pid !== undefined) {
        try {
          // Negative pid: the whole process group (bash → bwrap). bwrap's --die-with-parent and the
          // PID namespace take every process inside down with it.
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already exited.
        }
      }
      void options.killRest();
    },
    notice(line) {
      stderr.append(`${line}\n`);
      lines.stderrLine(line);
    },
  };
  return command;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : (constants.signals[signal] ?? 1);
}
