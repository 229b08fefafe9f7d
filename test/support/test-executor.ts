import { AppError } from "../../src/errors.ts";
import type { ExecutionContext, ExecutionResult, TaskExecutor } from "../../src/execution/executor.ts";

/**
 * A TEST DOUBLE executor (not the product's): each attempt runs the next scripted behaviour, so
 * tests drive the worker through success, retryable and final failures, and long runs that must
 * be aborted. Records every context it was given.
 */
export type ScriptedAttempt =
  | { kind: "succeed"; result?: Partial<ExecutionResult>; delayMs?: number }
  | {
      kind: "fail";
      code?: "agent_failed" | "clone_failed" | "internal_error";
      retryable: boolean;
      message?: string;
      step?: string;
    }
  | { kind: "hang" }
  | { kind: "throw"; error: unknown };

export interface TestExecutor extends TaskExecutor {
  readonly calls: ExecutionContext[];
  /** Resolves when the n-th call (1-based) has started. */
  started(n: number): Promise<ExecutionContext>;
  /** Reasons the signals of hung attempts were aborted with, in order. */
  readonly abortReasons: unknown[];
}

export const defaultResult: ExecutionResult = {
  outcome: "changes",
  summary: "Fixed the flaky date test (test double).",
  costUsd: 0.0123,
  numTurns: 3,
  durationMs: 1234,
  sessionId: "session-test-1",
  baseBranch: "main",
  workBranch: "cloud-agent/test-branch",
  commitSha: "0123456789abcdef0123456789abcdef01234567",
  files: [
    {
      path: "src/date.ts",
      change: "modified",
      additions: 2,
      deletions: 1,
      diff: "--- a/src/date.ts\n+++ b/src/date.ts\n@@ -1 +1,2 @@\n-old\n+new\n+line\n",
    },
  ],
  session: {
    id: "session-test-1",
    content: '{"type":"user"}\n',
    relativePath: "-workspace/session-test-1.jsonl",
  },
};

export function createTestExecutor(
  script: ScriptedAttempt[] | ((call: number) => ScriptedAttempt),
): TestExecutor {
  const calls: ExecutionContext[] = [];
  const abortReasons: unknown[] = [];
  const waiters = new Map<number, Array<(context: ExecutionContext) => void>>();

  return {
    calls,
    abortReasons,
    started(n) {
      const existing = calls[n - 1];
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise((resolve) => waiters.set(n, [...(waiters.get(n) ?? []), resolve]));
    },
    async execute(context) {
      calls.push(context);
      // Recorded from the start: an abort can come before the scripted step is reached.
      context.signal.addEventListener("abort", () => abortReasons.push(context.signal.reason), {
        once: true,
      });
      for (const resolve of waiters.get(calls.length) ?? []) resolve(context);
      const step =
        typeof script === "function" ? script(calls.length) : (script[calls.length - 1] ?? script.at(-1));
      if (step === undefined) throw new Error("test executor has no script");
      await context.emit({ type: "step", payload: { step: "agent", state: "started" } });
      switch (step.kind) {
        case "succeed":
          if (step.delayMs !== undefined) await sleep(step.delayMs, context.signal);
          await context.emit({ type: "assistant_text", payload: { text: "Working on it (test double)." } });
          await context.update({ work_branch: step.result?.workBranch ?? defaultResult.workBranch ?? "x" });
          return { ...defaultResult, ...step.result };
        case "fail":
          throw new AppError(step.code ?? "agent_failed", step.message ?? "The agent failed (test double).", {
            retryable: step.retryable,
            step: step.step ?? "agent",
          });
        case "throw":
          throw step.error;
        case "hang":
          await new Promise<never>((_, reject) => {
            if (context.signal.aborted) reject(context.signal.reason as Error);
            context.signal.addEventListener("abort", () => reject(context.signal.reason as Error));
          });
          throw new Error("unreachable");
      }
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}
