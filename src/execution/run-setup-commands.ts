import { AppError } from "../errors.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";
import type { ExecutionContext } from "./executor.ts";
import { createEventQueue } from "./event-queue.ts";

const SETUP_TIMEOUT_MS = 15 * 60_000;

/** Runs the task's setup commands in order, each line of output logged; the first failure stops. */
export async function runSetupCommands(
  ctx: Pick<ExecutionContext, "emit" | "signal">,
  sandbox: Sandbox,
  commands: readonly string[],
): Promise<void> {
  for (const [index, command] of commands.entries()) {
    const source = `setup[${index}]`;
    const events = createEventQueue(ctx.emit);
    events.push({ type: "log", payload: { stream: "stdout", line: `$ ${command}`, source } });
    const result = await sandbox.run(command, {
      cwd: sandbox.workdir,
      signal: ctx.signal,
      timeoutMs: SETUP_TIMEOUT_MS,
      onStdout: (line) => events.push({ type: "log", payload: { stream: "stdout", line, source } }),
      onStderr: (line) => events.push({ type: "log", payload: { stream: "stderr", line, source } }),
    });
    await events.drain();
    if (result.exitCode !== 0) {
      const tail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-5).join("\n");
      throw new AppError(
        "setup_failed",
        `Setup command ${index + 1} (${command.slice(0, 120)}) exited with code ${result.exitCode}${tail === "" ? "" : `: ${tail.slice(-800)}`}`,
        { retryable: false, step: "setup" },
      );
    }
  }
}
