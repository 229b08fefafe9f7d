import type { PGlite } from "@electric-sql/pglite";
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

/**
 * A Kysely dialect over embedded PGlite (PostgreSQL in WASM). PGlite has exactly one session, so the
 * driver hands out that one connection to one user at a time (a transaction holds it until commit).
 */
export function createPgliteDialect(open: () => Promise<PGlite>): Dialect {
  return {
    createAdapter: (): DialectAdapter => new PostgresAdapter(),
    createDriver: (): Driver => createPgliteDriver(open),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new PostgresIntrospector(db),
    createQueryCompiler: (): QueryCompiler => new PostgresQueryCompiler(),
  };
}

function createPgliteDriver(open: () => Promise<PGlite>): Driver {
  let pglite: PGlite | undefined;
  let queue: Promise<void> = Promise.resolve();
  let releaseCurrent: (() => void) | undefined;

  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      if (pglite === undefined) throw new Error("PGlite driver is not initialised");
      const result = await pglite.query<R>(compiled.sql, [...compiled.parameters]);
      const affected = result.affectedRows;
      return { rows: result.rows, ...(affected === undefined ? {} : { numAffectedRows: BigInt(affected) }) };
    },
    streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error("PGlite driver does not support streaming");
    },
  };

  async function run(sql: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(sql));
  }

  return {
    async init() {
      pglite = await open();
    },
    async acquireConnection() {
      // One user of the single session at a time: wait for the previous holder to release it.
      const previous = queue;
      let release!: () => void;
      queue = new Promise<void>((resolve) => (release = resolve));
      await previous;
      releaseCurrent = release;
      return connection;
    },
    async beginTransaction(_connection, settings: TransactionSettings) {
      const modes = [
        settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : "",
        settings.accessMode ?? "",
      ].filter((mode) => mode !== "");
      await run(`start transaction${modes.length > 0 ? ` ${modes.join(", ")}` : ""}`);
    },
    async commitTransaction() {
      await run("commit");
    },
    async rollbackTransaction() {
      await run("rollback");
    },
    async savepoint(_connection, name) {
      await run(`savepoint ${quoteIdentifier(name)}`);
    },
    async rollbackToSavepoint(_connection, name) {
      await run(`rollback to savepoint ${quoteIdentifier(name)}`);
    },
    async releaseSavepoint(_connection, name) {
      await run(`release savepoint ${quoteIdentifier(name)}`);
    },
    releaseConnection() {
      const release = releaseCurrent;
      releaseCurrent = undefined;
      release?.();
      return Promise.resolve();
    },
    async destroy() {
      const instance = pglite;
      pglite = undefined;
      if (instance !== undefined && !instance.closed) await instance.close();
    },
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
