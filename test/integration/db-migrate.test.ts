import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, createPgliteDb } from "../../src/db/create-db.ts";
import type { Db } from "../../src/db/database.ts";
import { migrateDown, migrateToLatest, migrationStatus } from "../../src/db/migrate.ts";
import { createEmptyDatabase } from "../support/test-db.ts";

describe("migrations on PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let a: Db;
  let b: Db;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    a = createDb({ databaseUrl: database.url, dataDir: "" });
    b = createDb({ databaseUrl: database.url, dataDir: "" });
  });
  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
    await database?.drop();
  });

  it("applies every migration exactly once when two connections migrate at once", async () => {
    const [first, second] = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);

    const applied = [...first.applied, ...second.applied];
    const status = await migrationStatus(a);
    expect(applied.sort()).toEqual(status.map((m) => m.name).sort());
    expect(status.every((m) => m.executedAt instanceof Date)).toBe(true);
  });

  it("reverts and re-applies the last migration", async () => {
    const status = await migrationStatus(a);
    const last = status.at(-1)!.name;

    const down = await migrateDown(a);
    const afterDown = await migrationStatus(a);
    const up = await migrateToLatest(a);

    expect(down).toEqual({ direction: "down", applied: [last] });
    expect(afterDown.at(-1)).toEqual({ name: last, executedAt: null });
    expect(up.applied).toEqual([last]);
  });

  it("returns bigint columns as numbers", async () => {
    await a.insertInto("installations").values({ id: 12_345_678_901, account_login: "octo" }).execute();

    const row = await a.selectFrom("installations").select("id").executeTakeFirstOrThrow();

    expect(row.id).toBe(12_345_678_901);
  });
});

describe("embedded PGlite", () => {
  let db: Db;

  beforeAll(async () => {
    db = createPgliteDb("memory://");
    await migrateToLatest(db);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
  });

  it("runs the migrations and reports them applied", async () => {
    const status = await migrationStatus(db);

    expect(status.length).toBeGreaterThan(0);
    expect(status.every((m) => m.executedAt !== null)).toBe(true);
  });

  it("commits, rolls back and uses savepoints on its single session", async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto("installations").values({ id: 1, account_login: "kept" }).execute();
    const savepoint = await trx.savepoint("inner").execute();
    await savepoint.insertInto("installations").values({ id: 2, account_login: "undone" }).execute();
    await savepoint.rollbackToSavepoint("inner").execute();
    const released = await trx.savepoint("second").execute();
    await released.releaseSavepoint("second").execute();
    await trx.commit().execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("installations").values({ id: 3, account_login: "rolled back" }).execute();
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");

    const rows = await db.selectFrom("installations").select(["id", "account_login"]).orderBy("id").execute();

    expect(rows).toEqual([{ id: 1, account_login: "kept" }]);
  });

  it("serialises concurrent users of the one session (a transaction holds it until it ends)", async () => {
    const order: string[] = [];
    const slow = db.transaction().execute(async (trx) => {
      order.push("tx-start");
      await sql`select pg_sleep(0.05)`.execute(trx);
      order.push("tx-end");
    });
    const quick = sql`select 1`.execute(db).then(() => order.push("query"));

    await Promise.all([slow, quick]);

    expect(order).toEqual(["tx-start", "tx-end", "query"]);
  });
});
