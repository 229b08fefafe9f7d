import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusFailure, text, toolUse } from "../support/scripted-model/scripted-model-script.ts";
import {
  createTask,
  GIT_TOKEN,
  logsOf,
  MODEL_KEY,
  startAgentWorld,
  waitForStatus,
  type AgentWorld,
} from "./api-agent-support.ts";

const FINAL = ["completed", "failed", "cancelled"];
let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld();
}, 60_000);

afterAll(async () => {
  await world?.close();
});

function sandboxDir(sandboxId: string): string {
  return join(world.app.deps.config.sandbox.root, sandboxId);
}

async function row(id: string) {
  return world.database.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

describe("agent failures through the API", () => {
  it("retries a model API 500 and then fails with model_api_error at the agent step", async () => {
    const repoUrl = await world.git.createRepo("model-500", { "a.txt": "a\n" });
    world.model.setScript([{ failures: [statusFailure(500, "scripted outage")] }]);
    const before = world.model.mainRequests().length;

    const { id } = await createTask(world.app, { repository_url: repoUrl, prompt: "Do something" });
    const task = await waitForStatus(world.app, id, FINAL);

    expect(task.status).toBe("failed");
    expect(task.error).toMatchObject({ code: "model_api_error", step: "agent" });
    expect(String((task.error as { message: string }).message)).toContain("500");
    expect(task.attempt).toBe(2);
    expect(world.model.mainRequests().length - before).toBe(2);
    const events = await logsOf(world.app, id);
    expect(events.filter((event) => event.type === "attempt")).toHaveLength(2);
  }, 90_000);

  it("fails with push_rejected when the git server refuses the push, without retrying", async () => {
    const repoUrl = await world.git.createRepo("frozen", { "a.txt": "a\n" });
    await world.git.rejectPushes("frozen", "pushes to this repository are frozen");
    world.model.setScript([
      { blocks: [toolUse("Write", { file_path: "$CWD/b.txt", content: "b\n" })] },
      { blocks: [text("Wrote b.txt")] },
    ]);

    const { id } = await createTask(world.app, { repository_url: repoUrl, prompt: "Add b" });
    const task = await waitForStatus(world.app, id, FINAL);

    expect(task.status).toBe("failed");
    expect(task.error).toMatchObject({ code: "push_rejected", step: "push" });
    expect(String((task.error as { message: string }).message)).toContain("frozen");
    expect(task.attempt).toBe(1);
  }, 90_000);

  it("completes with no push when the agent changes nothing", async () => {
    const repoUrl = await world.git.createRepo("nochange", { "a.txt": "a\n" });
    world.model.setScript([{ blocks: [text("Nothing needed changing.")] }]);

    const { id } = await createTask(world.app, { repository_url: repoUrl, prompt: "Check a.txt" });
    const task = await waitForStatus(world.app, id, FINAL);

    expect(task.status).toBe("completed");
    expect(task.commit_sha).toBeNull();
    expect(await world.git.branchSha("nochange", String(task.work_branch))).toBeNull();
    const events = await logsOf(world.app, id);
    expect(
      events.find((event) => event.type === "step" && event.payload.step === "push")?.payload.state,
    ).toBe("skipped");
    expect(
      world.git.requests.filter(
        (request) => request.path.startsWith("/nochange.git") && request.service === "git-receive-pack",
      ),
    ).toHaveLength(0);
  }, 90_000);

  it("stops the agent on cancel within 5 s and destroys the sandbox", async () => {
    const repoUrl = await world.git.createRepo("cancel", { "a.txt": "a\n" });
    world.model.setScript([
      { blocks: [toolUse("Bash", { command: "sleep 120", description: "wait", timeout: 600000 })] },
      { blocks: [text("done")] },
    ]);

    const { id } = await createTask(world.app, { repository_url: repoUrl, prompt: "Wait a long time" });
    await waitForEvent(id, (event) => event.type === "tool_call" && event.payload.name === "Bash");
    const sandboxId = (await row(id)).sandbox_id!;
    const cancelledAt = Date.now();
    const response = await world.app.request(`/v1/tasks/${id}/cancel`, { method: "POST" });
    expect(response.status).toBeLessThan(300);
    const task = await waitForStatus(world.app, id, FINAL, 10_000);

    expect(task.status).toBe("cancelled");
    await waitUntil(() => !existsSync(sandboxDir(sandboxId)), 5_000 - (Date.now() - cancelledAt));
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
  }, 90_000);

  it("fails with timeout when the task runs past its time limit, and destroys the sandbox", async () => {
    const repoUrl = await world.git.createRepo("slow", { "a.txt": "a\n" });
    world.model.setScript([{ failures: [{ kind: "hang" }] }]);

    const task0 = await world.app.deps.submitTask({
      repository_url: repoUrl,
      prompt: "Hang",
      source: "api",
      requested_by: "api",
      options: { timeout_seconds: 6 },
    });
    const task = await waitForStatus(world.app, task0.id, FINAL, 30_000);

    expect(task.status).toBe("failed");
    expect(task.error).toMatchObject({ code: "timeout" });
    const sandboxId = (await row(task0.id)).sandbox_id;
    if (sandboxId !== null) await waitUntil(() => !existsSync(sandboxDir(sandboxId)), 5_000);
  }, 60_000);

  it("keeps the agent away from host secrets, off-list hosts and the git token", async () => {
    const repoUrl = await world.git.createRepo("secrets", { "a.txt": "a\n" });
    const hostSecret = `host-secret-${Math.random().toString(36).slice(2)}`;
    const secretFile = join(world.app.deps.config.dataDir, "host-secret.txt");
    await writeFile(secretFile, hostSecret);
    const offList = await listen();
    const offListPort = (offList.server.address() as AddressInfo).port;
    world.model.setScript([
      {
        blocks: [
          toolUse("Bash", {
            command: [
              `(cat ${secretFile} /work/main/.env 2>&1 || true) > probe-files.txt`,
              `(curl -sS -m 5 http://127.0.0.1:${offListPort}/ 2>&1 || echo BLOCKED) > probe-net.txt`,
              "(env; git config -l; cat .git/config; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n') > probe-env.txt",
            ].join("; "),
          }),
        ],
      },
      { blocks: [text("Probed.")] },
    ]);

    const { id } = await createTask(world.app, { repository_url: repoUrl, prompt: "Probe the sandbox" });
    const task = await waitForStatus(world.app, id, FINAL);

    expect(task.status, JSON.stringify(task.error)).toBe("completed");
    const branch = String(task.work_branch);
    const files = await world.git.readFile("secrets", branch, "probe-files.txt");
    const net = await world.git.readFile("secrets", branch, "probe-net.txt");
    const env = await world.git.readFile("secrets", branch, "probe-env.txt");
    expect(files).not.toContain(hostSecret);
    expect(net).toMatch(/blocked/i);
    expect(net).not.toContain("reached");
    expect(offList.hits()).toBe(0);
    expect(env).toContain("ANTHROPIC_BASE_URL");
    expect(env).not.toContain(GIT_TOKEN);
    expect(env).not.toContain(Buffer.from(`x-access-token:${GIT_TOKEN}`).toString("base64"));
    expect(env).not.toContain("extraheader");
    expect(env).not.toContain(world.app.deps.adminApiKey);
    // The model key is the agent's own credential (in its env), but never in the task log.
    const everything = JSON.stringify([task, await logsOf(world.app, id)]);
    expect(everything).not.toContain(MODEL_KEY);
    expect(everything).not.toContain(GIT_TOKEN);
    expect(world.logLines()).toContain(id);
    expect(world.logLines()).not.toContain(GIT_TOKEN);
    expect(world.logLines()).not.toContain(MODEL_KEY);
    await new Promise<void>((resolve) => offList.server.close(() => resolve()));
  }, 90_000);

  it("runs setup commands with their output logged, and fails at setup when one exits non-zero", async () => {
    const repoUrl = await world.git.createRepo("setup", { "a.txt": "a\n" });
    world.model.setScript([{ blocks: [text("Nothing to do.")] }]);

    const ok = await world.app.deps.submitTask({
      repository_url: repoUrl,
      prompt: "With setup",
      source: "api",
      requested_by: "api",
      options: { setup_commands: ["echo installing deps", "test -f a.txt && echo found a.txt"] },
    });
    const bad = await world.app.deps.submitTask({
      repository_url: repoUrl,
      prompt: "With broken setup",
      source: "api",
      requested_by: "api",
      options: { setup_commands: ["echo about to fail >&2; exit 3"] },
    });
    const done = await waitForStatus(world.app, ok.id, FINAL);
    const failed = await waitForStatus(world.app, bad.id, FINAL);

    expect(done.status).toBe("completed");
    const lines = (await logsOf(world.app, ok.id))
      .filter((event) => event.type === "log")
      .map((event) => event.payload.line);
    expect(lines).toEqual(
      expect.arrayContaining(["$ echo installing deps", "installing deps", "found a.txt"]),
    );
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatchObject({ code: "setup_failed", step: "setup" });
    expect(String((failed.error as { message: string }).message)).toContain("about to fail");
    expect(failed.attempt).toBe(1);
  }, 90_000);

  it("fails with agent_max_turns when the agent runs out of turns", async () => {
    const repoUrl = await world.git.createRepo("turns", { "a.txt": "a\n" });
    world.model.setScript([
      { blocks: [toolUse("Bash", { command: "echo 1" })] },
      { blocks: [toolUse("Bash", { command: "echo 2" })] },
      { blocks: [toolUse("Bash", { command: "echo 3" })] },
    ]);

    const task = await world.app.deps.submitTask({
      repository_url: repoUrl,
      prompt: "Loop",
      source: "api",
      requested_by: "api",
      options: { max_turns: 2 },
    });
    const done = await waitForStatus(world.app, task.id, FINAL);

    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({ code: "agent_max_turns", step: "agent" });
    expect(done.attempt).toBe(1);
  }, 90_000);

  it("refuses to work on the default branch, before the agent runs", async () => {
    const repoUrl = await world.git.createRepo("mainline", { "a.txt": "a\n" });
    const before = world.model.mainRequests().length;

    const task = await world.app.deps.submitTask({
      repository_url: repoUrl,
      prompt: "Edit main directly",
      source: "api",
      requested_by: "api",
      work_branch: "main",
    });
    const done = await waitForStatus(world.app, task.id, FINAL);

    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({ code: "push_rejected", step: "clone" });
    expect(world.model.mainRequests().length).toBe(before);
  }, 60_000);

  it("clones a repository given as a local path", async () => {
    await world.git.createRepo("local", { "a.txt": "a\n" });
    world.model.setScript([
      { blocks: [toolUse("Write", { file_path: "$CWD/c.txt", content: "c\n" })] },
      { blocks: [text("Added c.txt.")] },
    ]);

    const { id } = await createTask(world.app, {
      repository_url: world.git.bareRepoPath("local"),
      prompt: "Add c",
    });
    const task = await waitForStatus(world.app, id, FINAL);

    expect(task.status, JSON.stringify(task.error)).toBe("completed");
    expect(await world.git.readFile("local", String(task.work_branch), "c.txt")).toBe("c\n");
  }, 90_000);

  it("resumes the earlier session on a follow-up: the model sees the earlier turns", async () => {
    const repoUrl = await world.git.createRepo("followup", { "a.txt": "a\n" });
    world.model.setScript([{ blocks: [text("First answer: remember the word PINEAPPLE.")] }]);
    const { id: firstId } = await createTask(world.app, { repository_url: repoUrl, prompt: "First request" });
    const first = await waitForStatus(world.app, firstId, FINAL);
    expect(first.status).toBe("completed");
    const sessionId = String(first.agent_session_id);

    world.model.setScript([{ blocks: [text("Second answer.")] }]);
    const second = await world.app.deps.submitTask({
      repository_url: repoUrl,
      prompt: "Second request",
      source: "api",
      requested_by: "api",
      resume_session_id: sessionId,
    });
    const done = await waitForStatus(world.app, second.id, FINAL);

    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    const last = world.model.mainRequests().at(-1)!;
    const sent = JSON.stringify(last.body);
    expect(sent).toContain("First request");
    expect(sent).toContain("PINEAPPLE");
    expect(sent).toContain("Second request");
  }, 90_000);
});

async function waitForEvent(
  id: string,
  predicate: (event: { type: string; payload: any }) => boolean,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await logsOf(world.app, id)).some(predicate)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("event not seen");
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + Math.max(timeoutMs, 0);
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function listen(): Promise<{ server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.end("reached");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, hits: () => hits };
}
