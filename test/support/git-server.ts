import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { serveGitHttp } from "./git-http-backend.ts";

const run = promisify(execFile);

/**
 * A local git server for tests: git's own `http-backend` behind a small HTTP server with basic
 * auth, holding bare repositories in a temp dir. Clone, fetch and push work over smart HTTP;
 * a repository can be set to reject pushes (a pre-receive hook).
 */

export interface GitServerRequest {
  readonly method: string;
  readonly path: string;
  readonly service: string | null;
  readonly authorized: boolean;
  readonly status: number;
}

export interface GitServer {
  readonly baseUrl: string;
  readonly root: string;
  readonly requests: readonly GitServerRequest[];
  /** Creates a bare repo `name.git` with one commit of `files` on `defaultBranch`; returns its URL. */
  createRepo(
    name: string,
    files: Readonly<Record<string, string>>,
    options?: { defaultBranch?: string },
  ): Promise<string>;
  repoUrl(name: string): string;
  bareRepoPath(name: string): string;
  /** The sha a branch points at, or null. */
  branchSha(name: string, branch: string): Promise<string | null>;
  /** `git show ref:path` in the bare repo. */
  readFile(name: string, ref: string, path: string): Promise<string>;
  /** Runs git in the bare repo (for assertions). */
  git(name: string, args: readonly string[]): Promise<string>;
  /** Makes every push to `name` fail with `message` (pre-receive hook), or allows pushes again. */
  rejectPushes(name: string, message: string | null): Promise<void>;
  close(): Promise<void>;
}

export async function startGitServer(
  options: { auth?: { username: string; password: string } | null } = {},
): Promise<GitServer> {
  const root = await mkdtemp(join(tmpdir(), "git-server-"));
  const auth = options.auth ?? null;
  const requests: GitServerRequest[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const service =
      url.searchParams.get("service") ?? url.pathname.match(/git-(upload|receive)-pack$/)?.[0] ?? null;
    const authorized = auth === null || isAuthorized(req.headers.authorization, auth);
    if (!authorized) {
      requests.push({ method: req.method ?? "GET", path: url.pathname, service, authorized, status: 401 });
      res.writeHead(401, { "www-authenticate": 'Basic realm="git-server"' });
      res.end("Unauthorized\n");
      return;
    }
    requests.push({ method: req.method ?? "GET", path: url.pathname, service, authorized, status: 200 });
    void serveGitHttp(req, res, {
      projectRoot: root,
      pathInfo: url.pathname,
      query: url.search.replace(/^\?/, ""),
      remoteUser: auth?.username ?? "anonymous",
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const bareRepoPath = (name: string): string => join(root, `${name}.git`);
  const git = async (name: string, args: readonly string[]): Promise<string> =>
    (await run("git", ["-C", bareRepoPath(name), ...args])).stdout;

  return {
    baseUrl,
    root,
    requests,
    bareRepoPath,
    repoUrl: (name) => `${baseUrl}/${name}.git`,
    git,
    async createRepo(name, files, { defaultBranch = "main" } = {}) {
      const work = await mkdtemp(join(tmpdir(), "git-seed-"));
      try {
        for (const [path, content] of Object.entries(files)) {
          await mkdir(dirname(join(work, path)), { recursive: true });
          await writeFile(join(work, path), content);
        }
        const identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"];
        await run("git", ["init", "-q", "-b", defaultBranch, work]);
        await run("git", ["-C", work, "add", "-A"]);
        await run("git", ["-C", work, ...identity, "commit", "-q", "-m", "Initial commit"]);
        await run("git", ["clone", "-q", "--bare", work, bareRepoPath(name)]);
        // Partial clones (--filter) need the server to allow filters.
        await git(name, ["config", "uploadpack.allowFilter", "true"]);
        await git(name, ["config", "http.receivepack", "true"]);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      return `${baseUrl}/${name}.git`;
    },
    async branchSha(name, branch) {
      try {
        return (await git(name, ["rev-parse", "--verify", `refs/heads/${branch}`])).trim();
      } catch {
        return null;
      }
    },
    readFile: (name, ref, path) => git(name, ["show", `${ref}:${path}`]),
    async rejectPushes(name, message) {
      const hook = join(bareRepoPath(name), "hooks", "pre-receive");
      if (message === null) {
        await rm(hook, { force: true });
        return;
      }
      await writeFile(hook, `#!/bin/sh\necho ${JSON.stringify(message)} >&2\nexit 1\n`);
      await chmod(hook, 0o755);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

function isAuthorized(header: string | undefined, auth: { username: string; password: string }): boolean {
  if (header === undefined || !header.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  return decoded === `${auth.username}:${auth.password}`;
}
