import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requeueLostJobs } from "../../src/queue/requeue-lost-jobs.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { startTestApp, type TestApp } from "../support/test-deps.ts";
import { createTestExecutor } from "../support/test-executor.ts";

let database: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database, { executor: createTestExecutor([{ kind: "succeed" }]) });
});
afterAll(async () => {
  await app?.close();
  await database?.destroy();
});

describe("requeueLostJobs", () => {
  it("adds the job again for a queued task whose job is gone, and only for old enough ones", async () => {
    const input = { source: "api" as const, repository_url: "/srv/git/a", prompt: "p" };
    const lost = await app.deps.tasks.createTask({ ...input, status: "queued" });
    await database.db
      .updateTable("tasks")
      .set({ queued_at: new Date(Date.now() - 120_000) })
      .where("id", "=", lost.id)
      .execute();
    const fresh = await app.deps.tasks.createTask({ ...input, status: "queued" });
    const withJob = await app.deps.submitTask(input);
    await database.db
      .updateTable("tasks")
      .set({ queued_at: new Date(Date.now() - 120_000) })
      .where("id", "=", withJob.id)
      .execute();

    const requeued = await requeueLostJobs(app.deps, { olderThanMs: 60_000 });

    expect(requeued).toEqual([lost.id]);
    expect(await app.deps.queue.queue.getJob(lost.id)).toBeDefined();
    expect(await app.deps.queue.queue.getJob(fresh.id)).toBeUndefined();
    expect(await requeueLostJobs(app.deps, { olderThanMs: 60_000 })).toEqual([]);
  });
});
