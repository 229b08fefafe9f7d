import { sql } from "kysely";
import type { Context } from "probot";
import type { GitHubDeps } from "./github-deps.ts";
import { InstallationEvent } from "./schema.ts";

/**
 * `installation.*`: keeps the installations table current (created, deleted, suspended,
 * unsuspended, permissions accepted), so /v1 tasks on a GitHub repository find their installation.
 */
export async function handleInstallation(deps: GitHubDeps, context: Context<"installation">): Promise<void> {
  const { action, installation } = InstallationEvent.parse(context.payload);
  const now = new Date();
  const row = {
    id: installation.id,
    account_login: installation.account?.login ?? "",
    account_type: installation.account?.type ?? null,
    repository_selection: installation.repository_selection ?? null,
    suspended_at:
      action === "suspend" ? now : action === "unsuspend" ? null : (installation.suspended_at ?? null),
    deleted_at: action === "deleted" ? now : null,
  };
  await deps.db
    .insertInto("installations")
    .values({ ...row, created_at: now, updated_at: now })
    .onConflict((conflict) =>
      conflict.column("id").doUpdateSet({
        account_login: sql`case when excluded.account_login = '' then installations.account_login else excluded.account_login end`,
        account_type: sql`coalesce(excluded.account_type, installations.account_type)`,
        repository_selection: sql`coalesce(excluded.repository_selection, installations.repository_selection)`,
        suspended_at: row.suspended_at,
        deleted_at: row.deleted_at,
        updated_at: now,
      }),
    )
    .execute();
  deps.log.info({ installationId: installation.id, action }, "Installation updated");
}
