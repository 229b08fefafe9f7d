import { describe, expect, it } from "vitest";
import { abortKindOf, abortReason } from "../../src/queue/abort-reason.ts";
import { canTransition, isFinalStatus, sourcesOf } from "../../src/tasks/task-status.ts";
import { decodeCursor, encodeCursor } from "../../src/tasks/task.service.ts";

describe("canTransition", () => {
  it.each([
    ["pending", "queued", true],
    ["pending", "running", true],
    ["pending", "completed", false],
    ["queued", "running", true],
    ["queued", "pending", false],
    ["queued", "completed", false],
    ["running", "queued", true],
    ["running", "completed", true],
    ["running", "failed", true],
    ["running", "cancelled", true],
    ["completed", "running", false],
    ["failed", "queued", false],
    ["cancelled", "cancelled", false],
  ] as const)("%s → %s: %s", (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it("narrows sources to the caller's set", () => {
    expect(sourcesOf("cancelled")).toEqual(["pending", "queued", "running"]);
    expect(sourcesOf("cancelled", ["running", "completed"])).toEqual(["running"]);
    expect(sourcesOf("pending")).toEqual([]);
  });

  it.each([
    ["completed", true],
    ["failed", true],
    ["cancelled", true],
    ["running", false],
  ] as const)("%s is final: %s", (status, final) => {
    expect(isFinalStatus(status)).toBe(final);
  });
});

describe("cursor", () => {
  it("round-trips created_at and id", () => {
    const row = {
      created_at: new Date("2026-11-23T10:00:00.123Z"),
      id: "6f1c0b36-3a3c-4b5e-9a86-0b1c2d3e4f50",
    };

    expect(decodeCursor(encodeCursor(row))).toEqual({ createdAt: row.created_at, id: row.id });
  });
});

describe("abortReason", () => {
  it.each(["cancelled", "timeout", "lost_lock", "shutdown"] as const)("names %s", (kind) => {
    const controller = new AbortController();
    controller.abort(abortReason(kind));

    expect(abortKindOf(controller.signal)).toBe(kind);
    expect(abortKindOf(controller.signal.reason)).toBe(kind);
    expect(abortReason(kind).retryable).toBe(kind === "shutdown");
  });

  it("is undefined for signals not aborted, other reasons and plain errors", () => {
    const controller = new AbortController();
    expect(abortKindOf(controller.signal)).toBeUndefined();
    controller.abort(new Error("x"));
    expect(abortKindOf(controller.signal)).toBeUndefined();
    expect(abortKindOf("nope")).toBeUndefined();
  });
});
