import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentOn, startGitHubWorld, waitUntil, type GitHubWorld } from "../e2e/github-app-support.ts";
import { GITHUB_SECONDARY_LIMITS } from "../support/fake-github/secondary-rate-limit.ts";
import { createTestExecutor } from "../support/test-executor.ts";

// Fault case: 100 tasks through GitHub webhooks against a fake GitHub that enforces secondary rate
// limits. The path is the real one (signed webhooks → web server → queue → worker → reporter →
// Octokit with the app's write bucket, shared Redis cap and retry handlers); the EXECUTOR IS THE TEST
// DOUBLE (test/support/test-executor.ts), not Claude Code: 100 real CLI runs would take ~5 minutes
// of both CPU cores, and the agent makes no GitHub calls, so it changes nothing this case measures.
//
// The fake enforces GitHub's documented limits (80 content-creating requests a minute per
// installation, 100 concurrent requests) plus a stricter burst rule: 25 per any 10 s. The app's
// write bucket (burst 10, then one a second per installation) allows at most about 20 in any 10 s,
// so it must pass; without it the ~50 writes of an installation's 10 tasks would go out within
// seconds and be refused. The 100 tasks are spread over 10 installations because the bucket's
// sustained rate is one write a second per installation: one installation (~500 writes) would
// take over 8 minutes, which is the point of the limit but not of a CI test.
// Measured: ~46 s for the 100 tasks (514 writes), bounded by the write bucket: about 50 writes per
// installation at one a second after the burst of 10.

const INSTALLATIONS = 10;
const TASKS_PER_INSTALLATION = 10;
const TOTAL = INSTALLATIONS * TASKS_PER_INSTALLATION;
let world: GitHubWorld;

beforeAll(async () => {
  const executor = createTestExecutor(() => ({
    kind: "succeed",
    delayMs: 20,
    result: { outcome: "no_changes", files: [], commitSha: null, summary: "Nothing to change." },
  }));
  world = await startGitHubWorld({
    worker: false,
    executor,
    secondaryLimits: {
      content: [...GITHUB_SECONDARY_LIMITS.content, { max: 25, windowMs: 10_000 }],
      maxConcurrent: GITHUB_SECONDARY_LIMITS.maxConcurrent,
    },
  });
  world.app.startWorker({ concurrency: 16, pollMs: 100 });
  for (let index = 0; index < INSTALLATIONS; index += 1) {
    await world.github.createRepo({
      owner: `org${index}`,
      name: "busy",
      files: { "a.txt": "a\n" },
      permissions: { alice: "write" },
    });
  }
}, 120_000);

afterAll(async () => {
  await world?.close();
});

function command(installation: number, number: number) {
  const payload = commentOn(world.github, {
    owner: `org${installation}`,
    repo: "busy",
    number,
    title: `Issue ${number}`,
    body: "/agent check a.txt",
    login: "alice",
    commentId: 50_000 + installation * 1_000 + number,
  });
  payload.installation = { id: 500 + installation };
  return payload;
}

describe("fault: GitHub rate limits", () => {
  it("100 tasks: no secondary rate limit response, one progress comment and one check run each", async () => {
    const started = Date.now();

    const responses = await Promise.all(
      Array.from({ length: TOTAL }, (_, index) =>
        world.deliver("issue_comment", command(index % INSTALLATIONS, 1 + Math.floor(index / INSTALLATIONS))),
      ),
    );
    const tasks = await waitUntil(
      async () => {
        const rows = await world.database.db
          .selectFrom("tasks")
          .selectAll()
          .where("repo", "=", "busy")
          .execute();
        const done = rows.filter((row) => ["completed", "failed", "cancelled"].includes(row.status));
        return done.length >= TOTAL ? rows : undefined;
      },
      270_000,
      "100 finished tasks",
    );
    await waitUntil(
      () =>
        tasks.every((task) =>
          world.github.state.checkRuns.some(
            (run) => run.external_id === task.id && run.status === "completed",
          ),
        ) || undefined,
      60_000,
      "100 completed check runs",
    );
    const elapsedMs = Date.now() - started;
    const state = world.github.state;
    const writes = state.requests.filter(
      (request) => request.method !== "GET" && !request.path.includes("/app/"),
    );

    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(tasks).toHaveLength(TOTAL);
    expect(tasks.filter((task) => task.status !== "completed")).toEqual([]);
    expect(state.secondaryLimitHits).toEqual([]);
    for (const task of tasks) {
      const comments = state.comments.filter(
        (entry) =>
          entry.owner === task.owner && entry.issueNumber === task.issue_number && entry.user.type === "Bot",
      );
      expect(comments, `${task.owner}#${task.issue_number}`).toHaveLength(1);
      expect(comments[0]!.body).toContain("Nothing to change.");
      expect(state.checkRuns.filter((run) => run.external_id === task.id)).toHaveLength(1);
    }
    console.info(
      `[fault] 100 tasks over ${INSTALLATIONS} installations: ${elapsedMs} ms, ${writes.length} writes, ` +
        `${state.requests.length} REST calls, ${state.secondaryLimitHits.length} secondary limit responses`,
    );
  }, 360_000);
});
