import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { createDb } from "../../src/db/create-db.ts";
import type { Db } from "../../src/db/database.ts";
import { MIGRATIONS_DIR, migrateToLatest } from "../../src/db/migrate.ts";

/**
 * A fresh PostgreSQL database per test file, copied from a template that holds the current
 * migrations (the template's name carries a hash of the migration files, so a new migration makes
 * a new template). Uses the real server at TEST_DATABASE_URL (default: the `test` database on
 * 127.0.0.1:5432, user postgres).
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const TEMPLATE_LOCK_ID = 7_215_424_012;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: Db;
  /** Deletes every row of every table (between tests). */
  truncate(): Promise<void>;
  /** Closes the pool and drops the database. */
  destroy(): Promise<void>;
}

function urlFor(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function migrationsHash(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)));
  }
  return hash.digest("hex").slice(0, 12);
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates (once, under a lock) the migrated template database and returns its name. */
export async function ensureTemplate(): Promise<string> {
  const template = `cloud_agent_tpl_${migrationsHash()}`;
  await withAdmin(async (client) => {
    await client.query("select pg_advisory_lock($1)", [TEMPLATE_LOCK_ID]);
    try {
      const exists = await client.query("select 1 from pg_database where datname = $1", [template]);
      if (exists.rowCount !== 0) return;
      await client.query(`create database "${template}"`);
      const db = createDb({ databaseUrl: urlFor(template), dataDir: "" });
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
    } finally {
      await client.query("select pg_advisory_unlock($1)", [TEMPLATE_LOCK_ID]);
    }
  });
  return template;
}

/** An empty, unmigrated database (for migration tests). */
export async function createEmptyDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `cloud_agent_t_${randomBytes(6).toString("hex")}`;
  await withAdmin((client) => client.query(`create database "${name}"`));
  return { name, url: urlFor(name), drop: () => dropDatabase(name) };
}

async function dropDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`drop database if exists "${name}" with (force)`));
}

/** A fresh migrated database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const name = `cloud_agent_t_${randomBytes(6).toString("hex")}`;
  await withAdmin(async (client) => {
    // Copying needs the template to be idle; retry briefly if another file is copying right now.
    for (let tries = 0; ; tries++) {
      try {
        await client.query(`create database "${name}" template "${template}"`);
        return;
      } catch (error) {
        if (tries >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  const url = urlFor(name);
  const db = createDb({ databaseUrl: url, dataDir: "" });
  return {
    name,
    url,
    db,
    async truncate() {
      // Every table, including those later migrations add, except kysely's own bookkeeping.
      const tables = await sql<{ tablename: string }>`
        select tablename from pg_tables
        where schemaname = 'public' and tablename not like 'kysely_migration%'`.execute(db);
      if (tables.rows.length === 0) return;
      const list = tables.rows.map((row) => `"${row.tablename}"`).join(", ");
      await sql.raw(`truncate table ${list} cascade`).execute(db);
    },
    async destroy() {
      await db.destroy();
      await dropDatabase(name);
    },
  };
}
