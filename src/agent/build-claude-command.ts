import { quote } from "../sandbox/shell-quote.ts";
import { AGENT_SYSTEM_PROMPT } from "./agent-system-prompt.ts";

export interface ClaudeCommandOptions {
  readonly prompt: string;
  readonly model?: string | undefined;
  readonly maxTurns?: number | undefined;
  /** Continue an earlier session (its file must already be restored under ~/.claude/projects). */
  readonly resumeSessionId?: string | undefined;
  /** Path of the claude binary inside the sandbox. Default: `claude` on PATH. */
  readonly binary?: string;
}

/**
 * Claude Code's argv for one non-interactive run. The prompt goes on the command line (it is not a
 * secret); credentials never do (they are in the environment, see buildAgentEnv).
 */
export function buildClaudeArgs(options: ClaudeCommandOptions): string[] {
  const args = [
    "-p",
    options.prompt,
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
  // stdin from /dev/null: -p never waits for piped input.
  return `exec ${[binary, ...buildClaudeArgs(options)].map(quote).join(" ")} < /dev/null`;
}
