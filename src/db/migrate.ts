import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FileMigrationProvider, Migrator, sql, type MigrationResultSet } from "kysely";
import type { Db } from "./database.ts";

/** The migrations folder at the repository root (date-prefixed files, frozen in time). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Arbitrary constant: the session-level advisory lock every migrating process takes. */
const MIGRATION_LOCK_ID = 7_215_424_011;

export interface MigrationStatus {
  readonly name: string;
  readonly executedAt: Date | null;
}

export interface MigrationOutcome {
  readonly applied: readonly string[];
  readonly direction: "up" | "down";
}

/** Applies every pending migration; safe when several processes start at once. */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  return runLocked(db, (migrator) => migrator.migrateToLatest(), "up");
}

/** Reverts the most recent migration. */
export async function migrateDown(db: Db): Promise<MigrationOutcome> {
  return runLocked(db, (migrator) => migrator.migrateDown(), "down");
}

/** Every known migration with when it was applied (null: pending). */
export async function migrationStatus(db: Db): Promise<MigrationStatus[]> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.map((migration) => ({
    name: migration.name,
    executedAt: migration.executedAt ?? null,
  }));
}

function createMigrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  });
}

async function runLocked(
  db: Db,
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
  direction: "up" | "down",
): Promise<MigrationOutcome> {
  // One connection holds a session advisory lock for the whole run, so a second process waits
  // instead of racing on the creation of kysely's own migration tables.
  const { error, results } = await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(connection);
    try {
      return await run(createMigrator(connection));
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(connection);
    }
  });
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName;
    throw new Error(`Migration ${failed ?? "(setup)"} failed`, { cause: error });
  }
  return {
    direction,
    applied: (results ?? []).filter((result) => result.status === "Success").map((r) => r.migrationName),
  };
}
