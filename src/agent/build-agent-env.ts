import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";

/**
 * The agent's whole environment inside the sandbox: its model credential (the OAuth token when set,
 * else the API key), the API base URL, and switches that keep Claude Code quiet and non-interactive.
 * Never a GitHub token: the agent cannot push, the worker does.
 */
export function buildAgentEnv(
  agent: Config["agent"],
  options: { runsAsRoot?: boolean; maxRetries?: number; apiTimeoutMs?: number } = {},
): Record<string, string> {
  const env: Record<string, string> = {
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    // Gives the agent its task list tools (TaskCreate/TaskUpdate) in -p mode: shown as the todo list.
    CLAUDE_CODE_ENABLE_TODO_TOOLS: "1",
    CI: "true",
  };
  if (agent.oauthToken !== undefined) env.CLAUDE_CODE_OAUTH_TOKEN = agent.oauthToken;
  else if (agent.anthropicApiKey !== undefined) env.ANTHROPIC_API_KEY = agent.anthropicApiKey;
  else {
    throw new AppError(
      "missing_credentials",
      "No model credential is configured: set CLAUDE_CODE_OAUTH_TOKEN or ANTHROPIC_API_KEY on the worker.",
      { retryable: false, step: "sandbox" },
    );
  }
  if (agent.baseUrl !== undefined) env.ANTHROPIC_BASE_URL = agent.baseUrl;
  if (options.runsAsRoot ?? true) env.IS_SANDBOX = "1";
  if (options.maxRetries !== undefined) env.CLAUDE_CODE_MAX_RETRIES = String(options.maxRetries);
  if (options.apiTimeoutMs !== undefined) env.API_TIMEOUT_MS = String(options.apiTimeoutMs);
  return env;
}
