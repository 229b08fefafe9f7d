import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { text, toolUse } from "../support/scripted-model/scripted-model-script.ts";
import { startFaultWorld, type FaultWorld } from "./support/fault-world.ts";

// Fault cases: Redis crashes (SIGKILL, AOF on) and PostgreSQL drops every connection while a task
// runs. Real `cloud-agent serve` and `worker` processes; nothing may be lost or pushed twice.

let world: FaultWorld;

beforeAll(async () => {
  world = await startFaultWorld({ WORKER_CONCURRENCY: "1" });
  await world.startServe();
  await world.startWorker();
}, 90_000);

afterAll(async () => {
  await world?.close();
});

function slowScript(file: string) {
  return [
    { blocks: [toolUse("Write", { file_path: `$CWD/${file}`, content: `${file}\n` })], delayMs: 4_000 },
    { blocks: [text(`Wrote ${file}`)] },
  ];
}

async function waitForAgentStep(): Promise<void> {
  const before = world.model.mainRequests().length;
  await world.model.waitForRequest(() => world.model.mainRequests().length > before, 60_000);
}

describe("fault: infrastructure restarts", () => {
  it("Redis crash mid-task: the running and the queued task both complete, one push each", async () => {
    const runningRepo = await world.git.createRepo("redis-running", { "a.txt": "a\n" });
    const queuedRepo = await world.git.createRepo("redis-queued", { "a.txt": "a\n" });
    world.model.setScript(slowScript("r.txt"));
    const agentStep = waitForAgentStep();

    const running = await world.createTask({ repository_url: runningRepo, prompt: "Add r.txt" });
    await agentStep;
    const queued = await world.createTask({ repository_url: queuedRepo, prompt: "Add r.txt" });
    await world.redis.crashAndRestart(2_000);
    const [first, second] = [await world.waitForTask(running), await world.waitForTask(queued)];

    expect(first.status).toBe("completed");
    expect(second.status).toBe("completed");
    expect(world.pushesTo("redis-running")).toBe(1);
    expect(world.pushesTo("redis-queued")).toBe(1);
    expect(await world.git.readFile("redis-queued", String(second.work_branch), "r.txt")).toBe("r.txt\n");
    console.info(
      `[fault] Redis crash: running task attempts=${first.attempt}, queued task attempts=${second.attempt}`,
    );
  }, 150_000);

  it("PostgreSQL drops every connection mid-task: the task ends cleanly and the next one completes", async () => {
    const repo = await world.git.createRepo("pg-restart", { "a.txt": "a\n" });
    const after = await world.git.createRepo("pg-after", { "a.txt": "a\n" });
    world.model.setScript(slowScript("p.txt"));
    const agentStep = waitForAgentStep();

    const id = await world.createTask({ repository_url: repo, prompt: "Add p.txt" });
    await agentStep;
    world.postgres.cut();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    world.postgres.restore();
    const ended = await world.waitForTask(id);
    const next = await world.createTask({ repository_url: after, prompt: "Add p.txt" });
    const nextEnded = await world.waitForTask(next);

    // Completed, or failed with the step and reason named; never stuck running, never pushed twice.
    if (ended.status === "completed") expect(world.pushesTo("pg-restart")).toBe(1);
    else
      expect(ended).toMatchObject({
        status: "failed",
        error_step: expect.any(String),
        error_message: expect.any(String),
      });
    expect(world.pushesTo("pg-restart")).toBeLessThanOrEqual(1);
    expect(nextEnded.status).toBe("completed");
    expect(world.pushesTo("pg-after")).toBe(1);
    console.info(`[fault] PostgreSQL cut: task ${ended.status} after ${ended.attempt} attempt(s)`);
  }, 150_000);
});
