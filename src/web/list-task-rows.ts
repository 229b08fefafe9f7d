import { sql } from "kysely";
import type { DbOrTrx } from "../db/database.ts";
import type { Task, TaskStatus } from "../tasks/task.table.ts";

export interface TaskListFilter {
  status?: TaskStatus | undefined;
  repository?: string | undefined;
  /** Cursor from the previous page (the id of its last row). */
  cursor?: string | undefined;
  limit: number;
  /** A GitHub user's readable repositories ("owner/repo", lower case); undefined: all tasks. */
  visibleRepositories?: readonly string[] | undefined;
}

export type TaskListRow = Pick<
  Task,
  | "id"
  | "status"
  | "prompt"
  | "repository_url"
  | "requested_by"
  | "created_at"
  | "finished_at"
  | "cost_usd"
  | "pr_url"
  | "issue_number"
>;

export interface TaskListPage {
  rows: TaskListRow[];
  nextCursor: string | undefined;
}

/** The cursor is the id of the last row shown; the query compares (created_at, id) in SQL at full precision. */
export function encodeCursor(row: Pick<Task, "id">): string {
  return row.id;
}

/** True when a cursor is well formed (the caller answers 400 otherwise). */
export function isCursor(cursor: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(cursor);
}

/** Newest first, filtered, one page plus one row to know whether there is a next page. */
export async function listTaskRows(db: DbOrTrx, filter: TaskListFilter): Promise<TaskListPage> {
  let query = db
    .selectFrom("tasks")
    .select([
      "id",
      "status",
      "prompt",
      "repository_url",
      "requested_by",
      "created_at",
      "finished_at",
      "cost_usd",
      "pr_url",
      "issue_number",
    ])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit + 1);
  if (filter.visibleRepositories !== undefined) {
    query = query.where(visibleTo(filter.visibleRepositories));
  }
  if (filter.status !== undefined) query = query.where("status", "=", filter.status);
  if (filter.repository !== undefined) query = query.where("repository_url", "=", filter.repository);
  if (filter.cursor !== undefined && isCursor(filter.cursor)) {
    query = query.where(
      sql<boolean>`(created_at, id) < (select c.created_at, c.id from tasks c where c.id = ${filter.cursor})`,
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : undefined };
}

/** Repositories that have tasks, for the filter's choices. */
export async function listTaskRepositories(
  db: DbOrTrx,
  visibleRepositories?: readonly string[],
): Promise<string[]> {
  let query = db.selectFrom("tasks").select("repository_url");
  if (visibleRepositories !== undefined) query = query.where(visibleTo(visibleRepositories));
  const rows = await query.distinct().orderBy("repository_url").limit(500).execute();
  return rows.map((row) => row.repository_url);
}

/** Tasks whose owner/repo is in the list (an empty list matches nothing). */
function visibleTo(repositories: readonly string[]) {
  const keys = repositories.length === 0 ? [""] : [...repositories];
  return sql<boolean>`lower(owner || '/' || repo) in (${sql.join(keys)})`;
}
