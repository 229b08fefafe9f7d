import { quote } from "../sandbox/shell-quote.ts";
import { AGENT_SYSTEM_PROMPT } from "./agent-system-prompt.ts";

export interface ClaudeCommandOptions {
  /** Path of a file in the sandbox holding the prompt; it reaches Claude Code on stdin. */
  readonly promptFile: string;
  readonly model?: string | undefined;
  readonly maxTurns?: number | undefined;
  /** Continue an earlier session (its file must already be restored under ~/.claude/projects). */
  readonly resumeSessionId?: string | undefined;
  /** Path of the claude binary inside the sandbox. Default: `claude` on PATH. */
  readonly binary?: string;
}

/**
 * Claude Code's argv for one non-interactive run. The prompt comes from stdin (a file), not argv: one
 * argument is capped at 128 KiB by Linux, and prompts with thread context can be longer. Credentials
 * never go on the command line (they are in the environment, see buildAgentEnv).
 */
export function buildClaudeArgs(options: ClaudeCommandOptions): string[] {
  const args = [
    "-p",
    "--output-format",
    "stream-json",
    "--verbose",
    "--dangerously-skip-permissions",
    "--append-system-prompt",
    AGENT_SYSTEM_PROMPT,
  ];
  if (options.model !== undefined && options.model !== "") args.push("--model", options.model);
  if (options.maxTurns !== undefined) args.push("--max-turns", String(options.maxTurns));
  if (options.resumeSessionId !== undefined) args.push("--resume", options.resumeSessionId);
  return args;
}

/** The same, as shell text for Sandbox.run. `exec` so a stop signal reaches Claude Code itself. */
export function buildClaudeCommand(options: ClaudeCommandOptions): string {
  const binary = options.binary ?? "claude";
  // The prompt on stdin: -p reads it to the end, then runs.
  return `exec ${[binary, ...buildClaudeArgs(options)].map(quote).join(" ")} < ${quote(options.promptFile)}`;
}
