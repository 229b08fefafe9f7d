import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { promoteStrandedTasks } from "../../src/report/promote-stranded-tasks.ts";
import type { TaskStatus } from "../../src/tasks/task.table.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { silentLogger } from "../support/test-deps.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});
beforeEach(async () => {
  await database.truncate();
});

async function insertTask(issue: number, status: TaskStatus, minutesAgo: number): Promise<string> {
  const id = crypto.randomUUID();
  await database.db
    .insertInto("tasks")
    .values({
      id,
      repository_url: "https://github.com/octo/hello.git",
      prompt: `task on #${issue}`,
      status,
      source: "github",
      owner: "octo",
      repo: "hello",
      issue_number: issue,
      options: "{}",
      created_at: new Date(Date.now() - minutesAgo * 60_000),
    })
    .execute();
  return id;
}

async function statusOf(id: string): Promise<string> {
  const row = await database.db
    .selectFrom("tasks")
    .select("status")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return row.status;
}

describe("promoteStrandedTasks", () => {
  it("queues the oldest waiting task of an idle conversation, and only that one", async () => {
    await insertTask(1, "completed", 10);
    const oldest = await insertTask(1, "pending", 5);
    const younger = await insertTask(1, "pending", 4);
    const enqueued: string[] = [];

    const promoted = await promoteStrandedTasks(
      { db: database.db, enqueue: (id) => Promise.resolve(enqueued.push(id)), log: silentLogger() },
      { olderThanMs: 60_000 },
    );

    expect(promoted).toEqual([oldest]);
    expect(enqueued).toEqual([oldest]);
    expect(await statusOf(oldest)).toBe("queued");
    expect(await statusOf(younger)).toBe("pending");
  });

  it("leaves waiting tasks behind a running one, and fresh ones, to the normal hand-over", async () => {
    await insertTask(2, "running", 6);
    const behindRunning = await insertTask(2, "pending", 5);
    const fresh = await insertTask(3, "pending", 0);
    const enqueued: string[] = [];

    const promoted = await promoteStrandedTasks(
      { db: database.db, enqueue: (id) => Promise.resolve(enqueued.push(id)), log: silentLogger() },
      { olderThanMs: 60_000 },
    );

    expect(promoted).toEqual([]);
    expect(enqueued).toEqual([]);
    expect(await statusOf(behindRunning)).toBe("pending");
    expect(await statusOf(fresh)).toBe("pending");
  });
});
