import type { Config } from "../config.ts";
import type { GitAuthProvider } from "../git/git-auth.ts";
import type { SandboxProvider } from "../sandbox/sandbox.ts";
import type { Redactor } from "../security/redact.ts";

/** What the Claude Code executor needs from the composition root. */
export interface ClaudeCodeExecutorDeps {
  readonly config: {
    readonly agent: Config["agent"];
    readonly sandbox: Pick<Config["sandbox"], "allowedHosts" | "template">;
    readonly taskTimeoutMs: number;
  };
  readonly sandboxes: SandboxProvider;
  readonly gitAuth: GitAuthProvider;
  readonly redactor: Redactor;
  /** The saved session file for a session id (follow-ups resume it), or undefined. */
  readonly findSessionContent: (sessionId: string) => Promise<string | undefined>;
  /** Author of the commits Cloud Agent makes. */
  readonly bot?: { readonly name: string; readonly email: string };
  /** Worker-side folder for temporary git directories. Default: the OS temp folder. */
  readonly workRoot?: string;
  /** CLAUDE_CODE_MAX_RETRIES for the agent (Claude Code's own model API retries). Unset: its default. */
  readonly agentMaxRetries?: number;
  /** Claude Code binary inside the sandbox. Default: `claude` on PATH. */
  readonly claudeBinary?: string;
}

export const DEFAULT_BOT = { name: "cloud-agent[bot]", email: "cloud-agent[bot]@users.noreply.github.com" };
