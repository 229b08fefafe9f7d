import { sql } from "kysely";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import type { Db } from "../../src/db/database.ts";
import { createHarness, createTestDb, nockProblems, type Harness } from "./github-probot-harness.ts";

/**
 * The hooks every Probot + nock test file of the GitHub app shares: one PGlite database for the
 * file (tables emptied before each test), a fresh harness per test, network disabled, and every
 * test failing on an unused mock or an unmatched request. Call it inside `describe`.
 */
export function useGitHubHarness(): { readonly db: Db; readonly harness: Harness } {
  let db: Db | undefined;
  let harness: Harness | undefined;
  beforeAll(async () => {
    db = await createTestDb();
    nock.disableNetConnect();
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await db?.destroy();
  });
  beforeEach(async () => {
    await sql`truncate tasks, webhook_deliveries, installations cascade`.execute(db!);
    harness = await createHarness(db!);
  });
  afterEach(() => {
    const problems = harness === undefined ? [] : nockProblems(harness);
    nock.cleanAll();
    expect(problems).toEqual([]);
  });
  return {
    get db() {
      if (db === undefined) throw new Error("useGitHubHarness: the database exists inside tests only");
      return db;
    },
    get harness() {
      if (harness === undefined) throw new Error("useGitHubHarness: the harness exists inside tests only");
      return harness;
    },
  };
}
