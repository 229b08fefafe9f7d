import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentOn, startGitHubWorld, waitUntil, type GitHubWorld } from "../e2e/github-app-support.ts";
import { text } from "../support/scripted-model/scripted-model-script.ts";

// Fault case: the model API hangs. The web server receives signed webhooks over HTTP, GitHub is the
// fake GitHub, and one worker (concurrency 1, so "the worker is free again" is observable) runs the
// real Claude Code CLI in the local sandbox against the scripted model (a test double). The idle
// limit is 8 s here (production default 600 s); Claude Code gets half of it as API_TIMEOUT_MS and no
// retries of its own (agentMaxRetries 0); each task gets 2 attempts.

const OWNER = "octo";
const IDLE_SECONDS = 8;
let world: GitHubWorld;
let commentIds = 70_000;

beforeAll(async () => {
  world = await startGitHubWorld({ worker: false, env: { AGENT_IDLE_TIMEOUT: String(IDLE_SECONDS) } });
  world.app.startWorker({ concurrency: 1, pollMs: 200 });
  await world.github.createRepo({
    owner: OWNER,
    name: "hang",
    files: { "a.txt": "a\n" },
    permissions: { alice: "write" },
  });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function runCommand(number: number, body: string) {
  commentIds += 1;
  const payload = commentOn(world.github, {
    owner: OWNER,
    repo: "hang",
    number,
    title: `Issue ${number}`,
    body,
    login: "alice",
    commentId: commentIds,
  });
  const response = await world.deliver("issue_comment", payload);
  expect(response.status).toBe(200);
  const task = await waitUntil(
    async () => {
      const row = await world.database.db
        .selectFrom("tasks")
        .selectAll()
        .where("repo", "=", "hang")
        .where("issue_number", "=", number)
        .executeTakeFirst();
      return row !== undefined && ["completed", "failed", "cancelled"].includes(row.status) ? row : undefined;
    },
    120_000,
    `task on #${number}`,
  );
  // The final report (comment edit, check run completion) runs right after the status change.
  const run = await waitUntil(
    () =>
      world.github.state.checkRuns.find(
        (entry) => entry.external_id === task.id && entry.status === "completed",
      ),
    30_000,
    "completed check run",
  );
  const comments = world.github.state.comments.filter(
    (entry) => entry.repo === "hang" && entry.issueNumber === number && entry.user.type === "Bot",
  );
  const sandboxes = await world.database.db
    .selectFrom("sandboxes")
    .select(["id", "destroyed_at"])
    .where("task_id", "=", task.id)
    .execute();
  return { task, run, comments, sandboxes };
}

describe("fault: the model API hanging", () => {
  it("a model that never answers: the attempt ends at the agent step, the report says why, the next task runs", async () => {
    world.model.setScript([{ failures: [{ kind: "hang" }] }]);
    const started = Date.now();

    const hung = await runCommand(1, "/agent check a.txt");
    const elapsedMs = Date.now() - started;
    world.model.setScript([{ blocks: [text("Nothing to change.")] }]);
    const next = await runCommand(2, "/agent check a.txt again");

    expect(hung.task.status).toBe("failed");
    expect(hung.task).toMatchObject({ error_code: "model_api_error", error_step: "agent", attempt: 2 });
    expect(hung.task.error_message).toMatch(/did not answer in time/);
    expect(hung.comments).toHaveLength(1);
    expect(hung.comments[0]!.body).toMatch(/failed while agent at work/i);
    expect(hung.comments[0]!.body).toContain("did not answer in time");
    expect(hung.run.conclusion).toBe("failure");
    expect(JSON.stringify(hung.run.output)).toContain("did not answer in time");
    expect(hung.sandboxes.length).toBeGreaterThan(0);
    expect(hung.sandboxes.every((sandbox) => sandbox.destroyed_at !== null)).toBe(true);
    // Two attempts, each bounded by the request timeout (4 s) plus start-up, far below TASK_TIMEOUT.
    expect(elapsedMs).toBeLessThan(90_000);
    expect(next.task.status).toBe("completed");
    expect(next.comments).toHaveLength(1);
    expect(next.run.conclusion).not.toBe("failure");
    console.info(`[fault] model hang: failed after ${elapsedMs} ms (2 attempts)`);
  }, 240_000);

  it("a model that stalls mid-answer: the idle watchdog stops the agent and names AGENT_IDLE_TIMEOUT", async () => {
    world.model.setScript([{ failures: [{ kind: "stall" }] }]);
    const started = Date.now();

    const stalled = await runCommand(3, "/agent check a.txt");
    const elapsedMs = Date.now() - started;
    world.model.setScript([{ blocks: [text("Nothing to change.")] }]);
    const next = await runCommand(4, "/agent check a.txt again");

    expect(stalled.task).toMatchObject({
      status: "failed",
      error_code: "model_api_error",
      error_step: "agent",
      attempt: 2,
    });
    expect(stalled.task.error_message).toContain(`waited ${IDLE_SECONDS} s for the model API`);
    expect(stalled.task.error_message).toContain("AGENT_IDLE_TIMEOUT");
    expect(stalled.comments).toHaveLength(1);
    expect(stalled.comments[0]!.body).toMatch(/failed while agent at work/i);
    expect(stalled.comments[0]!.body).toContain("AGENT_IDLE_TIMEOUT");
    expect(stalled.run.conclusion).toBe("failure");
    expect(JSON.stringify(stalled.run.output)).toContain("AGENT_IDLE_TIMEOUT");
    expect(stalled.sandboxes.every((sandbox) => sandbox.destroyed_at !== null)).toBe(true);
    // Claude Code's own stream idle limit is at least 5 minutes: only the watchdog ends this early.
    expect(elapsedMs).toBeLessThan(90_000);
    expect(next.task.status).toBe("completed");
    console.info(`[fault] model stall: failed after ${elapsedMs} ms (2 attempts)`);
  }, 240_000);
});
