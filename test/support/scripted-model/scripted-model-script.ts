/**
 * TEST DOUBLE: the script a scripted model server plays. Each main-loop turn of the agent (one
 * Messages API request the agent makes with its tools attached) gets the next turn of the script.
 */

export type ScriptedBlock =
  | { readonly type: "text"; readonly text: string }
  | {
      readonly type: "tool_use";
      readonly name: string;
      readonly input: Record<string, unknown>;
      readonly id?: string;
    };

/** A way for one request to fail before the turn's reply is served. */
export type ScriptedFailure =
  | {
      readonly kind: "status";
      readonly status: number;
      readonly errorType?: string;
      readonly message?: string;
    }
  /** Accepts the request and never answers (until the client gives up or the server closes). */
  | { readonly kind: "hang" }
  /** Starts a streamed answer (headers and message_start), then never sends another byte. */
  | { readonly kind: "stall" }
  /** Answers 200 with bytes that are not an SSE stream nor JSON. */
  | { readonly kind: "garbage" };

export interface ScriptedTurn {
  /** What the model answers. Omitted: the turn only fails, its last failure repeating forever. */
  readonly blocks?: readonly ScriptedBlock[];
  /** Default: "tool_use" when a tool_use block is present, else "end_turn". */
  readonly stopReason?: "end_turn" | "tool_use" | "max_tokens";
  /** Served in order to the first requests for this turn, before the reply. */
  readonly failures?: readonly ScriptedFailure[];
  /** Wait this long before the first byte of the reply (a slow model). */
  readonly delayMs?: number;
  /** Wait this long between streamed events. */
  readonly chunkDelayMs?: number;
}

export function text(value: string): ScriptedBlock {
  return { type: "text", text: value };
}

/** A tool call; "$CWD" in string inputs becomes the agent's working directory. */
export function toolUse(name: string, input: Record<string, unknown>): ScriptedBlock {
  return { type: "tool_use", name, input };
}

export function statusFailure(status: number, message = "scripted failure"): ScriptedFailure {
  const errorType =
    status === 529
      ? "overloaded_error"
      : status === 429
        ? "rate_limit_error"
        : status >= 500
          ? "api_error"
          : "invalid_request_error";
  return { kind: "status", status, errorType, message };
}
