import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { text, toolUse } from "../support/scripted-model/scripted-model-script.ts";
import { startFaultWorld, type FaultWorld } from "./support/fault-world.ts";
import type { ServiceProcess } from "./support/service-process.ts";

// Fault cases: a worker SIGKILLed mid-task, and a worker frozen (SIGSTOP) mid-task that wakes up
// after another worker took its job over. Real `cloud-agent worker` processes, the real executor,
// local sandbox and Claude Code CLI against the scripted model (a test double) and git server.

let world: FaultWorld;

beforeAll(async () => {
  world = await startFaultWorld();
  await world.startServe();
}, 90_000);

afterAll(async () => {
  await world?.close();
});

/** The worker process holding the task's current attempt (from its attempt event). */
async function holderOf(taskId: string, workers: readonly ServiceProcess[]): Promise<ServiceProcess> {
  const events = await world.database.db
    .selectFrom("task_events")
    .select(["payload"])
    .where("task_id", "=", taskId)
    .where("type", "=", "attempt")
    .orderBy("seq", "desc")
    .execute();
  const worker = String((events[0]?.payload as { worker?: string } | undefined)?.worker ?? "");
  const holder = workers.find((process) => worker.endsWith(`:${process.child.pid}`));
  if (holder === undefined) throw new Error(`No worker process matches attempt worker "${worker}"`);
  return holder;
}

async function attemptStartedAt(taskId: string, attempt: number): Promise<number> {
  const events = await world.database.db
    .selectFrom("task_events")
    .select(["payload", "created_at"])
    .where("task_id", "=", taskId)
    .where("type", "=", "attempt")
    .execute();
  const event = events.find((row) => (row.payload as { attempt?: number }).attempt === attempt);
  if (event === undefined) throw new Error(`No attempt ${attempt} event`);
  return new Date(event.created_at).getTime();
}

async function liveSandboxes(taskId: string) {
  return world.database.db
    .selectFrom("sandboxes")
    .select(["id", "attempt"])
    .where("task_id", "=", taskId)
    .where("destroyed_at", "is", null)
    .execute();
}

function slowScript(file: string) {
  return [
    // A slow first model turn keeps the attempt inside the agent step long enough to crash it.
    { blocks: [toolUse("Write", { file_path: `$CWD/${file}`, content: `${file}\n` })], delayMs: 4_000 },
    { blocks: [text(`Wrote ${file}`)] },
  ];
}

describe("fault: worker crash", () => {
  it("SIGKILL mid-task: another worker takes over within 15 s; one push, attempt 2 completes", async () => {
    const repoUrl = await world.git.createRepo("sigkill", { "a.txt": "a\n" });
    world.model.setScript(slowScript("b.txt"));
    const workers = [await world.startWorker(), await world.startWorker()];
    const requestsBefore = world.model.mainRequests().length;

    const id = await world.createTask({ repository_url: repoUrl, prompt: "Add b.txt" });
    await world.model.waitForRequest(
      (request) => request.kind === "main" && world.model.mainRequests().length > requestsBefore,
      60_000,
    );
    const victim = await holderOf(id, workers);
    const killedAt = Date.now();
    await victim.kill("SIGKILL");
    const finished = await world.waitForTask(id);
    const takeoverMs = (await attemptStartedAt(id, 2)) - killedAt;

    expect(finished.status).toBe("completed");
    expect(finished.attempt).toBe(2);
    expect(takeoverMs).toBeLessThanOrEqual(15_000);
    expect(world.pushesTo("sigkill")).toBe(1);
    expect(await world.git.readFile("sigkill", String(finished.work_branch), "b.txt")).toBe("b.txt\n");
    expect(await world.git.branchSha("sigkill", "main")).toBe(
      (await world.git.git("sigkill", ["rev-parse", "main"])).trim(),
    );
    expect(await liveSandboxes(id)).toEqual([]);
    console.info(`[fault] SIGKILL takeover: ${takeoverMs} ms`);
    for (const worker of workers) if (worker !== victim) await worker.stop();
  }, 120_000);

  it("a frozen worker that wakes after the takeover changes nothing (fencing)", async () => {
    const repoUrl = await world.git.createRepo("frozen-worker", { "a.txt": "a\n" });
    world.model.setScript(slowScript("c.txt"));
    const workers = [await world.startWorker(), await world.startWorker()];
    const requestsBefore = world.model.mainRequests().length;

    const id = await world.createTask({ repository_url: repoUrl, prompt: "Add c.txt" });
    await world.model.waitForRequest(
      (request) => request.kind === "main" && world.model.mainRequests().length > requestsBefore,
      60_000,
    );
    const frozen = await holderOf(id, workers);
    frozen.child.kill("SIGSTOP");
    const finished = await world.waitForTask(id);
    const rowBefore = await world.task(id);
    frozen.child.kill("SIGCONT");
    // The woken worker finds its lock gone and its attempt superseded; give it time to try anything.
    await frozen
      .waitForLog((line) => /lock|fenc|superseded|no longer/i.test(String(line.msg)), 20_000)
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const rowAfter = await world.task(id);

    expect(finished.status).toBe("completed");
    expect(finished.attempt).toBe(2);
    expect(world.pushesTo("frozen-worker")).toBe(1);
    expect(rowAfter.status).toBe("completed");
    expect(rowAfter.attempt).toBe(2);
    expect(rowAfter.commit_sha).toBe(rowBefore.commit_sha);
    expect(rowAfter.finished_at).toEqual(rowBefore.finished_at);
    expect(frozen.child.exitCode).toBeNull();
    for (const worker of workers) await worker.stop();
  }, 150_000);
});
