import { describe, expect, it } from "vitest";
import { createBackgroundWork } from "../../src/github/background-work.ts";
import { silentLogger } from "../support/test-deps.ts";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe("createBackgroundWork", () => {
  it("never starts work in the caller's turn of the event loop", async () => {
    const background = createBackgroundWork(silentLogger());
    let started = false;
    background.run("t", () => {
      started = true;
      return Promise.resolve();
    });
    expect(started).toBe(false);
    await background.idle();
    expect(started).toBe(true);
  });

  it("runs at most `concurrency` at once, in order, and idle() waits for all", async () => {
    const background = createBackgroundWork(silentLogger(), { concurrency: 2, slotMs: 60_000 });
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    gates.forEach((gate, index) =>
      background.run("t", async () => {
        started.push(index);
        await gate.promise;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect(background.size).toBe(3);
    gates[0]!.resolve();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await background.idle();
    expect(background.size).toBe(0);
  });

  it("gives the slot of work still running after slotMs to the next one", async () => {
    const background = createBackgroundWork(silentLogger(), { concurrency: 1, slotMs: 50 });
    const slow = deferred();
    const started: string[] = [];
    background.run("slow", async () => {
      started.push("slow");
      await slow.promise;
    });
    background.run("next", () => {
      started.push("next");
      return Promise.resolve();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual(["slow"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started).toEqual(["slow", "next"]);
    slow.resolve();
    await background.idle();
  });

  it("a failing piece of work is logged and does not stop the queue", async () => {
    const background = createBackgroundWork(silentLogger(), { concurrency: 1 });
    let ran = false;
    background.run("fails", () => Promise.reject(new Error("boom")));
    background.run("after", () => {
      ran = true;
      return Promise.resolve();
    });
    await background.idle();
    expect(ran).toBe(true);
  });
});
