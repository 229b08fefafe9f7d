import { buildClaudeCommand } from "../agent/build-claude-command.ts";
import { createStreamParser, type StreamState } from "../agent/create-stream-parser.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";
import type { Redactor } from "../security/redact.ts";
import type { ExecutionContext } from "./executor.ts";
import { createEventQueue } from "./event-queue.ts";

export interface AgentRun {
  readonly exitCode: number;
  readonly stream: StreamState;
  readonly stderrTail: string;
}

export interface RunClaudeCodeInput {
  readonly prompt: string;
  readonly model: string | undefined;
  readonly maxTurns: number;
  readonly resumeSessionId: string | undefined;
  readonly binary: string | undefined;
  /** Called once with Claude Code's version from its init message. */
  readonly onVersion: (version: string) => void;
}

/** Runs Claude Code in the sandbox, turning its stream-json output into task events as it arrives. */
export async function runClaudeCode(
  ctx: Pick<ExecutionContext, "emit" | "signal">,
  sandbox: Sandbox,
  redactor: Redactor,
  input: RunClaudeCodeInput,
): Promise<AgentRun> {
  const parser = createStreamParser({ workdir: sandbox.workdir });
  const events = createEventQueue(ctx.emit);
  let versionSeen = false;
  const stderr: string[] = [];
  const promptFile = `${sandbox.homeDir}/.cloud-agent-prompt.md`;
  await sandbox.writeFile(promptFile, input.prompt);
  const command = buildClaudeCommand({
    promptFile,
    model: input.model,
    maxTurns: input.maxTurns,
    resumeSessionId: input.resumeSessionId,
    ...(input.binary === undefined ? {} : { binary: input.binary }),
  });
  const result = await sandbox.run(command, {
    cwd: sandbox.workdir,
    signal: ctx.signal,
    onStdout: (line) => {
      for (const event of parser.push(line)) events.push(event);
      const version = parser.state().claudeCodeVersion;
      if (!versionSeen && version !== null) {
        versionSeen = true;
        input.onVersion(version);
      }
    },
    onStderr: (line) => {
      stderr.push(line);
      if (stderr.length > 50) stderr.shift();
      events.push({ type: "log", payload: { stream: "stderr", line: line.slice(0, 2000), source: "agent" } });
    },
  });
  await events.drain();
  return {
    exitCode: result.exitCode,
    stream: parser.state(),
    stderrTail: redactor.redact(stderr.join("\n")),
  };
}
