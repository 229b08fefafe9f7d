import { buildClaudeCommand } from "../agent/build-claude-command.ts";
import { createIdleWatchdog, isLocalTool, type IdleWatchdog } from "../agent/create-idle-watchdog.ts";
import { createStreamParser, type StreamState } from "../agent/create-stream-parser.ts";
import { AppError } from "../errors.ts";
import type { TaskEventInput } from "../tasks/task-event.ts";
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
  /** Longest silence while the agent waits on the model API (AGENT_IDLE_TIMEOUT). */
  readonly idleTimeoutMs: number;
  /** Called once with Claude Code's version from its init message. */
  readonly onVersion: (version: string) => void;
}

/**
 * Runs Claude Code in the sandbox, turning its stream-json output into task events as it arrives.
 * A watchdog stops it when it waits on the model API for longer than the idle limit without a word.
 */
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
  const watchdog = createIdleWatchdog({ limitMs: input.idleTimeoutMs, onIdle: idleFailure });
  const run = sandbox.run(command, {
    cwd: sandbox.workdir,
    signal: AbortSignal.any([ctx.signal, watchdog.signal]),
    onStdout: (line) => {
      // Claude Code's own retry notices are not progress: a model that never answers keeps sending them.
      if (!RETRY_NOTICE.test(line)) watchdog.activity();
      for (const event of parser.push(line)) {
        trackTools(watchdog, event);
        events.push(event);
      }
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
  const result = await run
    .finally(() => watchdog.stop())
    .catch(async (error: unknown) => {
      await events.drain().catch(() => undefined);
      // A cancel, timeout or lost lock wins; otherwise the watchdog's reason says why it stopped.
      throw ctx.signal.aborted || !watchdog.signal.aborted ? error : watchdog.signal.reason;
    });
  await events.drain();
  if (watchdog.signal.aborted && !ctx.signal.aborted) throw watchdog.signal.reason;
  return {
    exitCode: result.exitCode,
    stream: parser.state(),
    stderrTail: redactor.redact(stderr.join("\n")),
  };
}

const RETRY_NOTICE = /^\s*\{"type":"system","subtype":"api_retry"/;

function trackTools(watchdog: IdleWatchdog, event: TaskEventInput): void {
  if (event.type === "tool_call" && isLocalTool(event.payload.name)) watchdog.toolStarted(event.payload.id);
  if (event.type === "tool_result") watchdog.toolFinished(event.payload.tool_use_id);
}

function idleFailure(limitMs: number): AppError {
  const seconds = Math.round(limitMs / 1000);
  return new AppError(
    "model_api_error",
    `The agent waited ${seconds} s for the model API without getting an answer, so it was stopped (AGENT_IDLE_TIMEOUT=${seconds}). The model API may be down or overloaded; try again later.`,
    { retryable: true, step: "agent" },
  );
}
