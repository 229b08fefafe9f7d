import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { serveGitHttp } from "../git-http-backend.ts";
import { startGitServer, type GitServer } from "../git-server.ts";
import { createFakeRoutes } from "./fake-github-routes.ts";
import {
  createSecondaryRateLimiter,
  GITHUB_SECONDARY_LIMITS,
  type SecondaryLimits,
} from "./secondary-rate-limit.ts";
import {
  createFakeGitHubState,
  type FakeGitHubState,
  type FakeIssue,
  type FakePull,
} from "./fake-github-state.ts";

/**
 * A fake GitHub for end-to-end tests (GHE_HOST=127.0.0.1:port, GHE_PROTOCOL=http): the REST API
 * under /api/v3 with state kept in memory, and git smart HTTP at /<owner>/<repo>.git backed by the
 * local git server's bare repositories. Git requests need a live installation token it issued.
 * REST requests are held to GitHub's secondary rate limits (secondary-rate-limit.ts): by default
 * GitHub's documented ones; refusals are kept in `state.secondaryLimitHits`.
 */
export interface FakeGitHub {
  readonly url: string;
  /** host:port, for GHE_HOST. */
  readonly host: string;
  readonly state: FakeGitHubState;
  readonly git: GitServer;
  createRepo(input: {
    owner: string;
    name: string;
    files: Record<string, string>;
    permissions?: Record<string, string>;
    configYaml?: string | null;
    defaultBranch?: string;
  }): Promise<string>;
  addIssue(owner: string, repo: string, issue: FakeIssue): void;
  /** A pull request from `head` (created from the default branch when missing). */
  addPull(pull: Omit<FakePull, "state" | "draft">): Promise<void>;
  branchSha(owner: string, repo: string, branch: string): Promise<string | null>;
  /** Git requests rejected for a missing or unknown token. */
  readonly gitDenied: string[];
  /** Holds matching REST requests unanswered until `release()` (a slow GitHub, for fault tests). */
  hold(match: (method: string, path: string) => boolean): { held(): number; release(): void };
  close(): Promise<void>;
}

export async function startFakeGitHub(
  options: { secondaryLimits?: SecondaryLimits } = {},
): Promise<FakeGitHub> {
  const state = createFakeGitHubState();
  const limiter = createSecondaryRateLimiter(
    options.secondaryLimits ?? GITHUB_SECONDARY_LIMITS,
    state.secondaryLimitHits,
  );
  const git = await startGitServer({ auth: null });
  const gitDenied: string[] = [];
  const holds = new Set<{
    match: (method: string, path: string) => boolean;
    gate: Promise<void>;
    count: number;
  }>();
  let url = "";
  const branchSha = (owner: string, repo: string, branch: string) =>
    git.branchSha(`${owner}/${repo}`, branch);
  const routes = createFakeRoutes({
    state,
    baseUrl: () => url,
    appUser: { login: "cloud-agent[bot]", type: "Bot" },
    branchSha,
  }).map(([method, pattern, handler]) => ({ method, parts: pattern.split("/").filter(Boolean), handler }));

  const server = createServer((req, res) => {
    const parsed = new URL(req.url ?? "/", "http://localhost");
    if (parsed.pathname.startsWith("/api/v3/")) {
      const method = req.method ?? "GET";
      const installation = installationOf(req.headers.authorization);
      const refused = limiter.admit(method, parsed.pathname, installation);
      const hold = [...holds].find((entry) => entry.match(method, parsed.pathname));
      if (hold !== undefined) hold.count += 1;
      const answer =
        refused === null
          ? (hold?.gate ?? Promise.resolve())
              .then(() => handleRest(req, parsed))
              .finally(() => limiter.done())
          : readBody(req).then(() => refused);
      void answer.then(([status, body, headers]) => {
        state.requests.push({ method, path: parsed.pathname, at: Date.now(), status, installation });
        const text = typeof body === "string" ? body : JSON.stringify(body);
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        res.end(text);
      });
      return;
    }
    if (!isLiveToken(req.headers.authorization)) {
      gitDenied.push(parsed.pathname);
      res.writeHead(401, { "www-authenticate": 'Basic realm="fake-github"' });
      res.end("Unauthorized\n");
      return;
    }
    void serveGitHttp(req, res, {
      projectRoot: git.root,
      pathInfo: parsed.pathname,
      query: parsed.search.replace(/^\?/, ""),
      remoteUser: "x-access-token",
    });
  });

  function isLiveToken(header: string | undefined): boolean {
    if (header === undefined || !header.startsWith("Basic ")) return false;
    const [, password = ""] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":");
    return state.tokens.some((token) => token.token === password && token.expiresAt > Date.now());
  }

  /** The installation a REST call acts for (by its token), "app" for App JWT calls. */
  function installationOf(header: string | undefined): string {
    const [scheme = "", credential = ""] = (header ?? "").split(" ");
    if (/^bearer$/i.test(scheme) && credential.startsWith("eyJ")) return "app";
    const token = state.tokens.find((entry) => entry.token === credential);
    return token === undefined ? "anonymous" : String(token.installationId);
  }

  async function handleRest(
    req: IncomingMessage,
    parsed: URL,
  ): Promise<[number, unknown, Record<string, string>?]> {
    const segments = parsed.pathname
      .slice("/api/v3".length)
      .split("/")
      .filter(Boolean)
      .map(decodeURIComponent);
    const raw = await readBody(req);
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const params = match(route.parts, segments);
      if (params === null) continue;
      try {
        return await route.handler({
          params,
          body: raw === "" ? {} : JSON.parse(raw),
          query: parsed.searchParams,
          accept: req.headers.accept ?? "",
        });
      } catch (error) {
        return [500, { message: String(error) }];
      }
    }
    return [404, { message: `fake GitHub has no route for ${req.method} ${parsed.pathname}` }];
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    host: `127.0.0.1:${port}`,
    state,
    git,
    gitDenied,
    hold(match) {
      let release!: () => void;
      const entry = { match, gate: new Promise<void>((resolve) => (release = resolve)), count: 0 };
      holds.add(entry);
      return {
        held: () => entry.count,
        release() {
          holds.delete(entry);
          release();
        },
      };
    },
    branchSha,
    async createRepo(input) {
      await git.createRepo(`${input.owner}/${input.name}`, input.files, {
        defaultBranch: input.defaultBranch ?? "main",
      });
      state.repos.set(`${input.owner}/${input.name}`.toLowerCase(), {
        owner: input.owner,
        name: input.name,
        defaultBranch: input.defaultBranch ?? "main",
        permissions: new Map(
          Object.entries(input.permissions ?? {}).map(([login, level]) => [login.toLowerCase(), level]),
        ),
        configYaml: input.configYaml ?? null,
        issues: new Map(),
      });
      return `${url}/${input.owner}/${input.name}.git`;
    },
    addIssue(owner, repo, issue) {
      state.repos.get(`${owner}/${repo}`.toLowerCase())?.issues.set(issue.number, issue);
    },
    async addPull(pull) {
      const name = `${pull.owner}/${pull.repo}`;
      if ((await git.branchSha(name, pull.head)) === null)
        await git.git(name, ["branch", pull.head, pull.base]);
      state.pulls.push({ ...pull, state: "open", draft: false });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await git.close();
    },
  };
}

/** "/repos/:owner/:repo/git/ref/*" against path segments; "*" takes the rest. */
function match(parts: readonly string[], segments: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    if (part === "*") {
      params["*"] = segments.slice(index).join("/");
      return segments.length > index ? params : null;
    }
    const segment = segments[index];
    if (segment === undefined) return null;
    if (part.startsWith(":")) params[part.slice(1)] = segment;
    else if (part !== segment) return null;
  }
  return segments.length === parts.length ? params : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
