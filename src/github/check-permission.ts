import type { ProbotOctokit } from "probot";
import type { RepoConfig } from "./repo-config.ts";
import { isGitHubStatus } from "./is-github-status.ts";
import { CollaboratorPermission } from "./schema.ts";

export type PermissionDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: "no_write_access" | "not_allowed_by_config" };

const WRITE_PERMISSIONS = new Set(["admin", "maintain", "write"]);

/**
 * Who may start the agent: people with write, maintain or admin permission on the repository
 * (collaborator permission API), narrowed by the repository config's allowed_users / allowed_teams.
 * The write check runs without the config so a caller can start both requests at once.
 */
export async function checkPermission(
  octokit: ProbotOctokit,
  target: { owner: string; repo: string; login: string },
  config: Promise<Pick<RepoConfig, "allowed_users" | "allowed_teams"> | null>,
): Promise<PermissionDecision> {
  const [writeAccess, resolved] = await Promise.all([hasWriteAccess(octokit, target), config]);
  if (!writeAccess) return { allowed: false, reason: "no_write_access" };
  const users = resolved?.allowed_users ?? [];
  const teams = resolved?.allowed_teams ?? [];
  if (users.length === 0 && teams.length === 0) return { allowed: true };
  const login = target.login.toLowerCase();
  if (users.some((user) => user.toLowerCase() === login)) return { allowed: true };
  for (const team of teams) {
    if (await isTeamMember(octokit, target.owner, team, target.login)) return { allowed: true };
  }
  return { allowed: false, reason: "not_allowed_by_config" };
}

async function hasWriteAccess(
  octokit: ProbotOctokit,
  target: { owner: string; repo: string; login: string },
): Promise<boolean> {
  try {
    const response = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: target.owner,
      repo: target.repo,
      username: target.login,
    });
    const { permission, role_name: roleName } = CollaboratorPermission.parse(response.data);
    return WRITE_PERMISSIONS.has(permission) || (roleName !== undefined && WRITE_PERMISSIONS.has(roleName));
  } catch (error) {
    if (isGitHubStatus(error, 404)) return false;
    throw error;
  }
}

/** `team` is "org/slug" or a slug of the repository owner's organization. */
async function isTeamMember(
  octokit: ProbotOctokit,
  owner: string,
  team: string,
  login: string,
): Promise<boolean> {
  const slash = team.indexOf("/");
  const org = slash === -1 ? owner : team.slice(0, slash);
  const slug = slash === -1 ? team : team.slice(slash + 1);
  try {
    const response = await octokit.rest.teams.getMembershipForUserInOrg({
      org,
      team_slug: slug,
      username: login,
    });
    return response.data.state === "active";
  } catch (error) {
    if (isGitHubStatus(error, 403, 404)) return false;
    throw error;
  }
}
