import { sql } from "kysely";
import type { Config } from "../config.ts";
import type { DbOrTrx } from "../db/database.ts";

export interface GitHubRepositoryRef {
  readonly installation_id: number;
  readonly owner: string;
  readonly repo: string;
}

/**
 * For a /v1 task on a GitHub (or GHE) repository URL: the app installation that covers its owner
 * (from the installations table, kept current by installation events), so clone and push use that
 * installation's token and the task can open a pull request. Null: not GitHub, or not installed.
 */
export async function resolveGitHubRepository(
  db: DbOrTrx,
  github: Pick<Config["github"], "appId" | "gheHost">,
  repositoryUrl: string,
): Promise<GitHubRepositoryRef | null> {
  if (github.appId === undefined) return null;
  const parsed = parseGitHubUrl(repositoryUrl, github.gheHost ?? "github.com");
  if (parsed === null) return null;
  const installation = await db
    .selectFrom("installations")
    .select("id")
    .where(sql<boolean>`lower(account_login) = ${parsed.owner.toLowerCase()}`)
    .where("deleted_at", "is", null)
    .where("suspended_at", "is", null)
    .orderBy("updated_at", "desc")
    .executeTakeFirst();
  return installation === undefined ? null : { installation_id: Number(installation.id), ...parsed };
}

/** https://host/owner/repo(.git) on the given host → owner and repo; anything else → null. */
export function parseGitHubUrl(url: string, host: string): { owner: string; repo: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (
    (parsed.protocol !== "https:" && parsed.protocol !== "http:") ||
    parsed.host.toLowerCase() !== host.toLowerCase()
  ) {
    return null;
  }
  const [owner, name, ...rest] = parsed.pathname.split("/").filter(Boolean);
  if (owner === undefined || name === undefined || rest.length > 0) return null;
  const repo = name.endsWith(".git") ? name.slice(0, -4) : name;
  return repo === "" ? null : { owner, repo };
}
