import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStreamParser } from "../../src/agent/create-stream-parser.ts";
import { mapAgentFailure } from "../../src/agent/map-agent-failure.ts";

function resultOf(name: string) {
  const parser = createStreamParser();
  for (const line of readFileSync(
    join(import.meta.dirname, "../fixtures/stream-json", `${name}.jsonl`),
    "utf8",
  ).split("\n")) {
    parser.push(line);
  }
  return parser.state().result;
}

describe("mapAgentFailure on real Claude Code endings", () => {
  it.each([
    ["model-500", "model_api_error", true],
    ["model-529", "model_api_error", true],
    ["model-429", "model_api_error", true],
    ["model-401", "missing_credentials", false],
    ["model-garbage", "model_api_error", true],
    ["model-timeout", "model_api_error", true],
    ["max-turns", "agent_max_turns", false],
  ])("%s → %s (retryable: %s)", (fixture, code, retryable) => {
    const error = mapAgentFailure({ exitCode: 1, result: resultOf(fixture), stderrTail: "" });

    expect(error?.code).toBe(code);
    expect(error?.retryable).toBe(retryable);
    expect(error?.step).toBe("agent");
  });

  it("says in plain words that a timed-out model request was never answered", () => {
    const error = mapAgentFailure({ exitCode: 1, result: resultOf("model-timeout"), stderrTail: "" });

    expect(error?.message).toMatch(/did not answer in time/);
  });

  it("passes a successful run", () => {
    expect(mapAgentFailure({ exitCode: 0, result: resultOf("write-edit-bash"), stderrTail: "" })).toBeNull();
  });

  it("reports a crash without a result message with the end of stderr, as retryable", () => {
    const error = mapAgentFailure({ exitCode: 137, result: null, stderrTail: "\nFATAL: out of memory\n" });

    expect(error).toMatchObject({ code: "agent_failed", retryable: true });
    expect(error?.message).toContain("137");
    expect(error?.message).toContain("FATAL: out of memory");
  });

  it("treats a 400 from the model API as a bad request, not retryable", () => {
    const error = mapAgentFailure({
      exitCode: 1,
      result: {
        type: "result",
        subtype: "success",
        is_error: true,
        api_error_status: 400,
        result: "prompt is too long",
      },
      stderrTail: "",
    });

    expect(error).toMatchObject({ code: "agent_failed", retryable: false });
    expect(error?.message).toContain("prompt is too long");
  });
});
