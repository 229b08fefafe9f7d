import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commentOn, waitUntil } from "../e2e/github-app-support.ts";
import { startGitHubServiceWorld, type GitHubServiceWorld } from "./support/github-service-world.ts";

// Fault case: the web process answers three `/agent` commands and is SIGKILLed before any of their
// tasks exists (the fake GitHub holds the permission checks, so the work after the answer is in
// flight). GitHub counts the deliveries as delivered and never sends them again. A new web process
// must find them once their lease (COMMAND_LEASE, 3 s here) ran out and finish each exactly once.
// Real `cloud-agent serve` processes, PostgreSQL, Redis; fake GitHub (test double); no worker runs.

const OWNER = "octo";
const REPO = "resume";
let world: GitHubServiceWorld;

beforeAll(async () => {
  world = await startGitHubServiceWorld({ COMMAND_LEASE: "3" });
  await world.github.createRepo({
    owner: OWNER,
    name: REPO,
    files: { "a.txt": "a\n" },
    permissions: { alice: "write" },
  });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

function command(number: number) {
  return commentOn(world.github, {
    owner: OWNER,
    repo: REPO,
    number,
    title: `Issue ${number}`,
    body: `/agent fix issue ${number}`,
    login: "alice",
    commentId: 70_000 + number,
  });
}

const tasks = () =>
  world.database.db
    .selectFrom("tasks")
    .select(["id", "issue_number", "status"])
    .where("repo", "=", REPO)
    .execute();

describe("fault: a web process dies between the webhook answer and the task", () => {
  it("another web process finishes each answered command exactly once after the lease", async () => {
    const held = world.github.hold((method, path) => method === "GET" && path.includes("/collaborators/"));
    const responses = await Promise.all(
      [1, 2, 3].map((number) => world.deliver("issue_comment", command(number))),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    await waitUntil(() => (held.held() >= 3 ? true : undefined), 20_000, "permission checks in flight");

    await world.serve.kill("SIGKILL");
    held.release();
    expect(await tasks()).toEqual([]);
    const accepted = await world.database.db
      .selectFrom("webhook_deliveries")
      .select(["outcome", "attempts"])
      .execute();
    expect(accepted.map((row) => row.outcome)).toEqual(["accepted", "accepted", "accepted"]);

    // After the lease, a new web process resumes them on start (and every minute after).
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const replacement = await world.startServe();
    const done = await waitUntil(
      async () => {
        const rows = await tasks();
        return rows.length >= 3 ? rows : undefined;
      },
      60_000,
      "three resumed tasks",
    );
    await replacement.waitForLog((line) => line.msg === "Interrupted GitHub commands finished", 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(done.map((task) => task.issue_number).sort()).toEqual([1, 2, 3]);
    expect(done.every((task) => task.status === "queued")).toBe(true);
    const state = world.github.state;
    for (const number of [1, 2, 3]) {
      const bot = state.comments.filter(
        (entry) => entry.repo === REPO && entry.issueNumber === number && entry.user.type === "Bot",
      );
      expect(bot, `issue ${number}`).toHaveLength(1);
      expect(state.reactions.filter((reaction) => reaction.commentId === 70_000 + number)).toHaveLength(1);
    }
    const deliveries = await world.database.db
      .selectFrom("webhook_deliveries")
      .select(["outcome", "task_id"])
      .execute();
    expect(deliveries.map((row) => row.outcome)).toEqual(["task_created", "task_created", "task_created"]);
    expect(await tasks()).toHaveLength(3);
  }, 120_000);
});
