import { createHash } from "node:crypto";
import { sql } from "kysely";
import type pg from "pg";

/**
 * Server-side prepared statements for the hot statements that ask for them. A statement whose SQL
 * starts with PREPARED (`sql\`${PREPARED}with t as (...)\``) is parsed and planned once per pooled
 * connection and then only bound and executed: about half of PostgreSQL's CPU for a task insert.
 * Opt-in, so each connection holds a few statements, not one per query text ever run.
 *
 * A migration that changes a table under a prepared `returning *` makes PostgreSQL refuse the old
 * plan ("cached plan must not change result type"); the statement is then prepared again under a
 * new name and run once more, so a rolling deploy does not break running processes.
 * (Behind PgBouncer in transaction mode, PgBouncer >= 1.21 with max_prepared_statements is needed.)
 */
export const PREPARED_MARK = "/* prepared */ ";
export const PREPARED = sql.raw(PREPARED_MARK);

type Query = (config: pg.QueryConfig) => Promise<pg.QueryResult>;

const STALE_PLAN = "0A000";

/** Makes a pooled client prepare the marked statements it runs (pool.on("connect", ...)). */
export function prepareMarkedStatements(client: pg.ClientBase): void {
  const query = client.query.bind(client) as unknown as Query & typeof client.query;
  const generation = new Map<string, number>();
  // Marked statements come in a few fixed shapes: hash each text once.
  const hashes = new Map<string, string>();
  const run = (text: string, values: unknown[]) => {
    let hash = hashes.get(text);
    if (hash === undefined) {
      hash = createHash("sha1").update(text).digest("hex").slice(0, 20);
      hashes.set(text, hash);
    }
    const name = `ca_${hash}_${generation.get(hash) ?? 0}`;
    return query({ name, text, values }).catch((error: unknown) => {
      if (!isStalePlan(error)) throw error;
      generation.set(hash, (generation.get(hash) ?? 0) + 1);
      return query({ name: `ca_${hash}_${generation.get(hash)}`, text, values });
    });
  };
  client.query = ((...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text === "string" && text.startsWith(PREPARED_MARK) && args.length <= 2) {
      if (values === undefined || Array.isArray(values)) return run(text, values ?? []);
    }
    return (query as (...rest: unknown[]) => unknown)(...args);
  }) as typeof client.query;
}

function isStalePlan(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === STALE_PLAN &&
    String((error as { message?: unknown }).message).includes("cached plan must not change result type")
  );
}
