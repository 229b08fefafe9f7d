import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/create-db.ts";
import type { Db } from "../../src/db/database.ts";
import { PREPARED } from "../../src/db/prepared-statements.ts";
import { incrementAttempt, insertTask } from "../../src/tasks/task.repository.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  // One connection, so every statement below runs in the session whose prepared statements we read.
  db = createDb({ databaseUrl: database.url, dataDir: "" }, { poolSize: 1 });
});
afterAll(async () => {
  await db?.destroy();
  await database?.destroy();
});

const preparedNames = async () =>
  (await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db)).rows.map(
    (row) => row.name,
  );

const insert = () =>
  insertTask(db, {
    id: crypto.randomUUID(),
    source: "api",
    repository_url: "https://github.com/octo/hello.git",
    prompt: "Fix it",
    options: "{}",
    status: "queued",
  });

describe("prepared statements (PostgreSQL pool)", () => {
  it("prepares a marked statement once per connection and leaves other statements unnamed", async () => {
    const before = await preparedNames();

    await insert();
    await insert();
    await db.selectFrom("tasks").select("id").execute();

    const added = (await preparedNames()).filter((name) => !before.includes(name));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^ca_[0-9a-f]{20}_0$/);
  });

  it("runs marked statements with their parameters and results intact", async () => {
    const task = await insert();

    const claimed = await incrementAttempt(db, task.id, "worker-1");
    const again = await sql<{ n: number }>`${PREPARED}select ${41}::int + 1 as n`.execute(db);

    expect(task.status).toBe("queued");
    expect(claimed).toMatchObject({ id: task.id, attempt: 1, status: "running", prev_status: "queued" });
    expect(again.rows).toEqual([{ n: 42 }]);
  });

  it("prepares again under a new name when a migration changed the table under a prepared plan", async () => {
    await insert();

    await sql`alter table tasks add column bench_extra text`.execute(db);
    const task = await insert();

    expect(task).toHaveProperty("bench_extra", null);
    expect((await preparedNames()).some((name) => name.endsWith("_1"))).toBe(true);
  });
});
