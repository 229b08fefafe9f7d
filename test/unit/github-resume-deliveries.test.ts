import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { BackgroundWork } from "../../src/github/background-work.ts";
import { claimDelivery } from "../../src/github/record-delivery.ts";
import { resumeAcceptedDeliveries } from "../../src/github/resume-accepted-deliveries.ts";
import { issueCommentPayload, OWNER, REPO } from "../fixtures/github-payloads.ts";
import {
  createHarness,
  mockInstallationToken,
  mockPermission,
  mockRepoConfig,
} from "../support/github-probot-harness.ts";
import { useGitHubHarness } from "../support/use-github-harness.ts";

/** A process that answers the webhook and dies before its after-the-answer work runs. */
const dyingProcess: BackgroundWork = { run: () => undefined, idle: () => Promise.resolve(), size: 0 };

describe("resumeAcceptedDeliveries: commands whose process died after the answer", () => {
  const world = useGitHubHarness();

  async function answeredThenDied(id: string): Promise<void> {
    const dead = await createHarness(world.db, { background: dyingProcess });
    await dead.receive("issue_comment", issueCommentPayload({ body: "/agent fix the typo" }), id);
  }

  const expireLeases = () =>
    sql`update webhook_deliveries set lease_until = now() - interval '1 second'`.execute(world.db);

  const resume = () =>
    resumeAcceptedDeliveries({
      github: world.harness.deps,
      octokitFor: (installationId) => world.harness.probot.auth(installationId),
    });

  it("finishes the command on another process once the lease ran out: one task, 👀 and the progress comment", async () => {
    await answeredThenDied("d-1");
    expect(await world.db.selectFrom("tasks").select("id").execute()).toEqual([]);
    // Within the lease nothing happens (the answering process may still be working on it).
    expect(await resume()).toEqual({ resumed: [], settled: [], gaveUp: [] });

    await expireLeases();
    const scope = mockPermission(
      mockRepoConfig(mockInstallationToken(), OWNER, REPO, null),
      OWNER,
      REPO,
      "Codertocat",
      "write",
    );
    scope
      .post(`/repos/${OWNER}/${REPO}/issues/comments/492700400/reactions`, { content: "eyes" })
      .reply(201, { id: 1, content: "eyes" })
      .post(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .reply(201, { id: 9001 })
      .get(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, []);
    const result = await resume();

    expect(result).toEqual({ resumed: ["d-1"], settled: [], gaveUp: [] });
    const tasks = await world.db.selectFrom("tasks").selectAll().execute();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ status: "queued", prompt: "fix the typo", progress_comment_id: 9001 });
    expect(world.harness.enqueued).toEqual([tasks[0]!.id]);
    const delivery = await world.db.selectFrom("webhook_deliveries").selectAll().executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ outcome: "task_created", task_id: tasks[0]!.id, attempts: 1 });
    // The answering process, were it only slow, can no longer take it.
    expect(await claimDelivery(world.db, "d-1", 0)).toBe(false);
    expect(await resume()).toEqual({ resumed: [], settled: [], gaveUp: [] });
  });

  it("only settles a command whose task was created before the process died (no second task)", async () => {
    await answeredThenDied("d-2");
    // The task exists (created by the dead process) but the delivery's outcome was never written.
    const task = await world.harness.deps.tasks.createTask({
      repository_url: `https://github.com/${OWNER}/${REPO}.git`,
      prompt: "fix the typo",
      source: "github",
      status: "queued",
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
      trigger_comment_id: 492700400,
    });
    await expireLeases();

    expect(await resume()).toEqual({ resumed: [], settled: ["d-2"], gaveUp: [] });
    expect(await world.db.selectFrom("tasks").select("id").execute()).toHaveLength(1);
    const delivery = await world.db.selectFrom("webhook_deliveries").selectAll().executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ outcome: "task_created", task_id: task.id });
  });

  it("gives up on a command after three attempts (telling its author) and on a row it cannot read, marking them failed", async () => {
    await answeredThenDied("d-3");
    await answeredThenDied("d-4");
    await sql`update webhook_deliveries set attempts = 3 where delivery_id = 'd-3'`.execute(world.db);
    await sql`update webhook_deliveries set work = '{"version":1,"trigger":{}}'::jsonb where delivery_id = 'd-4'`.execute(
      world.db,
    );
    await expireLeases();
    const replies: string[] = [];
    mockInstallationToken()
      .post(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .reply(201, async (request: Request) => {
        replies.push(((await request.json()) as { body: string }).body);
        return { id: 1 };
      });

    const result = await resume();

    expect(result.gaveUp.sort()).toEqual(["d-3", "d-4"]);
    // One reply: to the author of the command that kept failing (the unreadable row names no one).
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("interrupted while working on it 3 times");
    expect(replies[0]).toContain("Comment `/agent …` again to retry.");
    const outcomes = await world.db
      .selectFrom("webhook_deliveries")
      .select(["delivery_id", "outcome"])
      .execute();
    expect(outcomes.map((row) => row.outcome)).toEqual(["failed", "failed"]);
    expect(await world.db.selectFrom("tasks").select("id").execute()).toEqual([]);
  });

  it("a redelivery of an interrupted command is still ignored (the delivery id is recorded)", async () => {
    await answeredThenDied("d-5");
    await world.harness.receive("issue_comment", issueCommentPayload({ body: "/agent fix the typo" }), "d-5");
    expect(await world.db.selectFrom("tasks").select("id").execute()).toEqual([]);
  });

  it("keeps a redacted copy of the command: a token in the comment never reaches the delivery row", async () => {
    const token = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
    const dead = await createHarness(world.db, { background: dyingProcess });
    await dead.receive("issue_comment", issueCommentPayload({ body: `/agent push with ${token}` }), "d-6");

    const row = await world.db.selectFrom("webhook_deliveries").select("work").executeTakeFirstOrThrow();
    expect(JSON.stringify(row.work)).not.toContain(token);
    expect(JSON.stringify(row.work)).toContain("push with");
  });
});
