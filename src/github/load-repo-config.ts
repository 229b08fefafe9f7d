import { posix } from "node:path";
import type { ProbotOctokit } from "probot";
import { RepoConfig } from "./repo-config.ts";

export const REPO_CONFIG_FILE = "cloud-agent.yml";

export type RepoConfigResult =
  | { readonly ok: true; readonly config: RepoConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Reads `.github/cloud-agent.yml` with Probot's config loader (repository, then the owner's `.github`
 * repository; `_extends` works), as `context.config` does but from an Octokit, so a resumed command
 * (no webhook context) reads it the same way, and validates it. A missing file is an empty config;
 * a broken one is a list of problems the caller shows to the user.
 */
export async function loadRepoConfig(
  octokit: Pick<ProbotOctokit, "config">,
  repository: { owner: string; repo: string },
): Promise<RepoConfigResult> {
  let raw: unknown;
  try {
    const { config, files } = await octokit.config.get({
      ...repository,
      path: posix.join(".github", REPO_CONFIG_FILE),
    });
    raw = files.some((file) => file.config !== null) ? config : null;
  } catch (error) {
    return { ok: false, problems: [`could not be read: ${describeReadError(error)}`] };
  }
  if (raw === null || raw === undefined) return { ok: true, config: {} };
  const parsed = RepoConfig.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const path = issue.path.length === 0 ? "(file)" : issue.path.join(".");
      return `${path}: ${issue.message}`;
    }),
  };
}

function describeReadError(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const message = error.message.split("\n")[0] ?? "unknown error";
  const prefix = "[@probot/octokit-plugin-config] ";
  if (!message.startsWith(prefix)) return message;
  const rest = message.slice(prefix.length);
  const reason = rest.lastIndexOf(" (");
  return reason === -1 ? rest : rest.slice(reason + 2, rest.length - 1);
}
