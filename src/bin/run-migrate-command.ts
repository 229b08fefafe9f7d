import type { Config } from "../config.ts";
import { createDb } from "../db/create-db.ts";
import { migrateDown, migrateToLatest, migrationStatus } from "../db/migrate.ts";

/** `cloud-agent migrate up|down|status`: prints what it did, resolves to the exit code. */
export async function runMigrateCommand(config: Config, action: string | undefined): Promise<number> {
  if (action !== "up" && action !== "down" && action !== "status") {
    process.stderr.write("Usage: cloud-agent migrate up|down|status\n");
    return 1;
  }
  const db = createDb(config);
  try {
    if (action === "status") {
      for (const migration of await migrationStatus(db)) {
        const state =
          migration.executedAt === null ? "pending" : `applied ${migration.executedAt.toISOString()}`;
        process.stdout.write(`${migration.name}  ${state}\n`);
      }
      return 0;
    }
    const outcome = action === "up" ? await migrateToLatest(db) : await migrateDown(db);
    const verb = action === "up" ? "Applied" : "Reverted";
    process.stdout.write(
      outcome.applied.length === 0
        ? "Nothing to do.\n"
        : outcome.applied.map((name) => `${verb} ${name}\n`).join(""),
    );
    return 0;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    process.stderr.write(`Migration failed${error instanceof Error ? `: ${error.message}` : ""}${cause}\n`);
    return 1;
  } finally {
    await db.destroy();
  }
}
