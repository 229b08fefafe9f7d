import { z } from "zod";
import type { Config } from "../config.ts";
import { AppError } from "../errors.ts";

/**
 * "Sign in with GitHub" with the App's OAuth client: the authorize URL, the code exchange, and the
 * repositories the signed-in user can read through the App (GET /user/installations and their
 * repositories, which a user-to-server token limits to what the user may see).
 */

type GitHubConfig = Pick<Config["github"], "clientId" | "clientSecret" | "gheHost" | "gheProtocol">;

export function isGitHubSignInEnabled(github: GitHubConfig): boolean {
  return github.clientId !== undefined && github.clientSecret !== undefined;
}

function webBase(github: GitHubConfig): string {
  return github.gheHost === undefined ? "https://github.com" : `${github.gheProtocol}://${github.gheHost}`;
}

function apiBase(github: GitHubConfig): string {
  return github.gheHost === undefined ? "https://api.github.com" : `${webBase(github)}/api/v3`;
}

export function buildAuthorizeUrl(github: GitHubConfig, redirectUri: string, state: string): string {
  const url = new URL(`${webBase(github)}/login/oauth/authorize`);
  url.searchParams.set("client_id", github.clientId ?? "");
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  return url.toString();
}

const TokenResponse = z.object({ access_token: z.string().min(1) });
const User = z.object({ login: z.string() });
const Installations = z.object({ installations: z.array(z.object({ id: z.number() })) });
const Repositories = z.object({ repositories: z.array(z.object({ full_name: z.string() })) });

async function getJson<T>(url: string, token: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/vnd.github+json",
      "user-agent": "cloud-agent",
    },
  });
  if (!response.ok)
    throw new AppError("github_error", `GitHub answered ${response.status} for ${new URL(url).pathname}`);
  return schema.parse(await response.json());
}

export interface GitHubViewer {
  login: string;
  /** Lower-case "owner/repo" of every repository the user can read through the App. */
  repositories: string[];
}

/** Exchanges the OAuth code and reads who the user is and which repositories they can read. */
export async function signInWithGitHub(
  github: GitHubConfig,
  code: string,
  redirectUri: string,
): Promise<GitHubViewer> {
  const response = await fetch(`${webBase(github)}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({
      client_id: github.clientId,
      client_secret: github.clientSecret,
      code,
      redirect_uri: redirectUri,
    }),
  });
  const token = TokenResponse.safeParse(response.ok ? await response.json() : {});
  if (!token.success) throw new AppError("unauthorized", "GitHub did not accept the sign-in code");
  const accessToken = token.data.access_token;
  const api = apiBase(github);
  const user = await getJson(`${api}/user`, accessToken, User);
  const { installations } = await getJson(
    `${api}/user/installations?per_page=100`,
    accessToken,
    Installations,
  );
  const repositories = new Set<string>();
  for (const installation of installations) {
    // Up to 1,000 repositories per installation (10 pages); beyond that the user sees fewer tasks.
    for (let page = 1; page <= 10; page += 1) {
      const url = `${api}/user/installations/${installation.id}/repositories?per_page=100&page=${page}`;
      const { repositories: batch } = await getJson(url, accessToken, Repositories);
      for (const repo of batch) repositories.add(repo.full_name.toLowerCase());
      if (batch.length < 100) break;
    }
  }
  return { login: user.login, repositories: [...repositories].sort() };
}
