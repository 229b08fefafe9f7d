import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createIdleWatchdog, isLocalTool } from "../../src/agent/create-idle-watchdog.ts";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function watchdog(limitMs = 1_000) {
  return createIdleWatchdog({ limitMs, onIdle: (ms) => new Error(`idle ${ms}`) });
}

describe("createIdleWatchdog", () => {
  it("aborts with the onIdle reason after the limit without activity", () => {
    const dog = watchdog();

    vi.advanceTimersByTime(999);
    const before = dog.signal.aborted;
    vi.advanceTimersByTime(1);

    expect(before).toBe(false);
    expect(dog.signal.aborted).toBe(true);
    expect((dog.signal.reason as Error).message).toBe("idle 1000");
  });

  it("starts the silence again on every activity", () => {
    const dog = watchdog();

    for (let i = 0; i < 5; i += 1) {
      vi.advanceTimersByTime(900);
      dog.activity();
    }

    expect(dog.signal.aborted).toBe(false);
  });

  it("stops the clock while a tool runs and starts it again when the last one finishes", () => {
    const dog = watchdog();

    dog.toolStarted("a");
    dog.toolStarted("b");
    vi.advanceTimersByTime(10_000);
    dog.toolFinished("a");
    vi.advanceTimersByTime(10_000);
    const whileB = dog.signal.aborted;
    dog.toolFinished("b");
    vi.advanceTimersByTime(1_000);

    expect(whileB).toBe(false);
    expect(dog.signal.aborted).toBe(true);
  });

  it("never fires once stopped", () => {
    const dog = watchdog();

    dog.stop();
    dog.activity();
    vi.advanceTimersByTime(5_000);

    expect(dog.signal.aborted).toBe(false);
  });

  it.each([
    ["Bash", true],
    ["Write", true],
    ["Task", false],
    ["Agent", false],
  ])("%s keeps the agent busy without the model: %s", (name, local) => {
    expect(isLocalTool(name)).toBe(local);
  });
});
