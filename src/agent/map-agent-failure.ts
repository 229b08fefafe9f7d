import { AppError } from "../errors.ts";
import type { ResultMessage } from "./stream-json.schema.ts";

export interface AgentOutcome {
  readonly exitCode: number;
  readonly result: ResultMessage | null;
  /** The end of Claude Code's stderr, already redacted. */
  readonly stderrTail: string;
}

/**
 * Turns how Claude Code ended into a task failure, or null when the run succeeded. Model API
 * trouble (5xx, 529 overloaded, 429 rate limits) is worth a retry; a rejected credential, a bad
 * request or the turn limit is not.
 */
export function mapAgentFailure(outcome: AgentOutcome): AppError | null {
  const { result } = outcome;
  if (result !== null && !result.is_error && outcome.exitCode === 0) return null;
  if (result?.subtype === "error_max_turns") {
    return new AppError(
      "agent_max_turns",
      `The agent reached its turn limit (${result.num_turns ?? "?"} turns) before finishing. Raise max_turns or split the request.`,
      { retryable: false, step: "agent" },
    );
  }
  const status = result?.api_error_status ?? null;
  const detail = firstLine(result?.result ?? outcome.stderrTail);
  if (status !== null) {
    if (status === 401 || status === 403) {
      return new AppError(
        "missing_credentials",
        `The model API rejected the agent's credential (HTTP ${status}): ${detail}. Check CLAUDE_CODE_OAUTH_TOKEN / ANTHROPIC_API_KEY.`,
        { retryable: false, step: "agent" },
      );
    }
    if (status === 429 || status === 529 || status >= 500) {
      return new AppError("model_api_error", `The model API failed (HTTP ${status}): ${detail}`, {
        retryable: true,
        step: "agent",
      });
    }
    return new AppError("agent_failed", `The model API refused the request (HTTP ${status}): ${detail}`, {
      retryable: false,
      step: "agent",
    });
  }
  if (result?.terminal_reason === "api_error" && /^Request timed out/i.test(detail)) {
    // Claude Code gave up on a request the API accepted and never answered (API_TIMEOUT_MS).
    return new AppError(
      "model_api_error",
      "The model API accepted the agent's request but did not answer in time, so the agent gave up. The model API may be down or overloaded; try again later (AGENT_IDLE_TIMEOUT sets how long the agent waits).",
      { retryable: true, step: "agent" },
    );
  }
  if (result?.terminal_reason === "api_error") {
    // No HTTP status: the API answered with something that is not a message (a proxy's page, garbage).
    return new AppError("model_api_error", `The model API returned an unusable response: ${detail}`, {
      retryable: true,
      step: "agent",
    });
  }
  if (result === null) {
    return new AppError(
      "agent_failed",
      `Claude Code exited with code ${outcome.exitCode} without a result${detail === "" ? "" : `: ${detail}`}`,
      { retryable: true, step: "agent" },
    );
  }
  return new AppError("agent_failed", `The agent run failed (${result.subtype}): ${detail || "no details"}`, {
    retryable: false,
    step: "agent",
  });
}

function firstLine(text: string): string {
  const line =
    text
      .trim()
      .split("\n")
      .find((entry) => entry.trim() !== "") ?? "";
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}
