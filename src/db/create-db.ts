import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Config } from "../config.ts";
import type { Database, Db } from "./database.ts";
import { createPgliteDialect } from "./pglite-dialect.ts";
import { prepareMarkedStatements } from "./prepared-statements.ts";

const INT8_OID = 20;

export interface CreateDbOptions {
  /** Max pooled PostgreSQL connections per process. Default 10. */
  readonly poolSize?: number;
  /** Called when an idle pooled connection errors (e.g. PostgreSQL restarted); never throws. */
  readonly onPoolError?: (error: Error) => void;
}

/**
 * The database: PostgreSQL when DATABASE_URL is set, else embedded PGlite in DATA_DIR/pglite.
 * bigint columns come back as JS numbers on both (GitHub ids fit in 2^53).
 */
export function createDb(config: Pick<Config, "databaseUrl" | "dataDir">, options: CreateDbOptions = {}): Db {
  if (config.databaseUrl !== undefined) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: createPool(config.databaseUrl, options) }),
    });
  }
  const dataDir = resolve(config.dataDir, "pglite");
  return createPgliteDb(dataDir);
}

/** Embedded PGlite in `dataDir` (created if missing); "memory://" keeps it in memory. */
export function createPgliteDb(dataDir: string): Db {
  return new Kysely<Database>({
    dialect: createPgliteDialect(async () => {
      if (!dataDir.startsWith("memory://")) mkdirSync(join(dataDir), { recursive: true });
      return PGlite.create(dataDir, { parsers: { [INT8_OID]: (value: string) => Number(value) } });
    }),
  });
}

function createPool(connectionString: string, options: CreateDbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: getTypeParser as typeof pg.types.getTypeParser },
  });
  // An idle client that dies (PostgreSQL restart) must not crash the process; the pool reconnects.
  pool.on("error", (error) => options.onPoolError?.(error));
  // Hot statements marked PREPARED are planned once per connection.
  pool.on("connect", prepareMarkedStatements);
  return pool;
}

function getTypeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === INT8_OID) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format ?? "text") as (value: string) => unknown;
}
