import { randomBytes } from "node:crypto";
import type { FakeComment, FakeGitHubState, FakeRepo, FakeUser } from "./fake-github-state.ts";

/** One REST handler: path params, parsed JSON body, query; returns [status, body]. */
export type FakeRoute = (input: {
  params: Record<string, string>;
  body: any;
  query: URLSearchParams;
  accept: string;
}) => Promise<[number, unknown, Record<string, string>?]> | [number, unknown, Record<string, string>?];

export interface FakeGitHubContext {
  readonly state: FakeGitHubState;
  readonly baseUrl: () => string;
  readonly appUser: FakeUser;
  /** The sha a branch points at in the git server, or null. */
  readonly branchSha: (owner: string, repo: string, branch: string) => Promise<string | null>;
}

const notFound: [number, unknown] = [404, { message: "Not Found" }];

/** Routes of the GitHub REST API the app uses, as [method, path pattern, handler]. */
export function createFakeRoutes(ctx: FakeGitHubContext): Array<[string, string, FakeRoute]> {
  const { state } = ctx;
  const id = () => ++state.nextId;
  const repoOf = (params: Record<string, string>): FakeRepo | undefined =>
    state.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
  const html = (path: string) => `${ctx.baseUrl()}/${path}`;
  const commentJson = (comment: FakeComment) => ({
    id: comment.id,
    body: comment.body,
    user: comment.user,
    html_url: html(
      `${comment.owner}/${comment.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    ),
  });
  const addComment = (
    params: Record<string, string>,
    issueNumber: number,
    body: string,
    kind: "issue" | "review",
    inReplyTo?: number,
  ) => {
    const now = Date.now();
    const comment: FakeComment = {
      id: id(),
      owner: params.owner!,
      repo: params.repo!,
      issueNumber,
      body,
      user: ctx.appUser,
      createdAt: now,
      updatedAt: now,
      history: [body],
      kind,
      ...(inReplyTo === undefined ? {} : { inReplyTo }),
    };
    state.comments.push(comment);
    return comment;
  };
  const editComment = (commentId: number, body: string): [number, unknown] => {
    const comment = state.comments.find((entry) => entry.id === commentId);
    if (comment === undefined) return notFound;
    comment.body = body;
    comment.updatedAt = Date.now();
    comment.history.push(body);
    return [200, commentJson(comment)];
  };
  const pullJson = (pull: (typeof state.pulls)[number], headSha: string | null) => ({
    number: pull.number,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    state: pull.state,
    user: { login: "octocat", type: "User" },
    html_url: html(`${pull.owner}/${pull.repo}/pull/${pull.number}`),
    maintainer_can_modify: pull.maintainerCanModify,
    head: {
      ref: pull.head,
      sha: headSha ?? "0".repeat(40),
      repo: { full_name: pull.headRepo, clone_url: `${ctx.baseUrl()}/${pull.headRepo}.git` },
    },
    base: {
      ref: pull.base,
      sha: "0".repeat(40),
      repo: { full_name: `${pull.owner}/${pull.repo}`, clone_url: "" },
    },
  });

  return [
    ["GET", "/app", () => [200, { id: 1, slug: "cloud-agent", name: "Cloud Agent" }]],
    [
      "POST",
      "/app/installations/:installation/access_tokens",
      ({ params, body }) => {
        const token = `ghs_${randomBytes(18).toString("hex")}`;
        const expiresAt = Date.now() + 3600_000;
        state.tokens.push({
          token,
          installationId: Number(params.installation),
          repositories: body?.repositories ?? null,
          permissions: body?.permissions ?? null,
          expiresAt,
        });
        return [
          201,
          { token, expires_at: new Date(expiresAt).toISOString(), permissions: body?.permissions ?? {} },
        ];
      },
    ],
    ["GET", "/app/hook/deliveries", () => [200, []]],
    [
      "GET",
      "/repos/:owner/:repo",
      ({ params }) => {
        const repo = repoOf(params);
        return repo === undefined
          ? notFound
          : [
              200,
              {
                name: repo.name,
                full_name: `${repo.owner}/${repo.name}`,
                default_branch: repo.defaultBranch,
              },
            ];
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/contents/*",
      ({ params }) => {
        const repo = repoOf(params);
        if (repo === undefined || repo.configYaml === null || params["*"] !== ".github/cloud-agent.yml")
          return notFound;
        return [200, repo.configYaml, { "content-type": "application/vnd.github.raw; charset=utf-8" }];
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/collaborators/:user/permission",
      ({ params }) => {
        const permission = repoOf(params)?.permissions.get(params.user!.toLowerCase());
        return permission === undefined
          ? notFound
          : [200, { permission, role_name: permission, user: { login: params.user } }];
      },
    ],
    ["GET", "/orgs/:org/teams/:team/memberships/:user", () => notFound],
    [
      "POST",
      "/repos/:owner/:repo/issues/comments/:comment/reactions",
      ({ params, body }) => {
        state.reactions.push({
          commentId: Number(params.comment),
          kind: "issue",
          content: body.content,
          at: Date.now(),
        });
        return [201, { id: id(), content: body.content }];
      },
    ],
    [
      "POST",
      "/repos/:owner/:repo/pulls/comments/:comment/reactions",
      ({ params, body }) => {
        state.reactions.push({
          commentId: Number(params.comment),
          kind: "review",
          content: body.content,
          at: Date.now(),
        });
        return [201, { id: id(), content: body.content }];
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/issues/:issue",
      ({ params }) => {
        const issue = repoOf(params)?.issues.get(Number(params.issue));
        return issue === undefined
          ? notFound
          : [
              200,
              {
                number: issue.number,
                title: issue.title,
                body: issue.body,
                user: issue.user,
                locked: issue.locked,
              },
            ];
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/issues/:issue/comments",
      ({ params }) => [
        200,
        state.comments
          .filter(
            (c) =>
              c.kind === "issue" &&
              c.owner === params.owner &&
              c.repo === params.repo &&
              c.issueNumber === Number(params.issue),
          )
          .map(commentJson),
      ],
    ],
    [
      "POST",
      "/repos/:owner/:repo/issues/:issue/comments",
      ({ params, body }) => [201, commentJson(addComment(params, Number(params.issue), body.body, "issue"))],
    ],
    [
      "PATCH",
      "/repos/:owner/:repo/issues/comments/:comment",
      ({ params, body }) => editComment(Number(params.comment), body.body),
    ],
    [
      "PATCH",
      "/repos/:owner/:repo/pulls/comments/:comment",
      ({ params, body }) => editComment(Number(params.comment), body.body),
    ],
    [
      "POST",
      "/repos/:owner/:repo/pulls/:pull/comments/:comment/replies",
      ({ params, body }) => [
        201,
        commentJson(addComment(params, Number(params.pull), body.body, "review", Number(params.comment))),
      ],
    ],
    [
      "GET",
      "/repos/:owner/:repo/pulls",
      async ({ params, query }) => {
        const head = query.get("head") ?? "";
        const branch = head.includes(":") ? head.slice(head.indexOf(":") + 1) : head;
        const pulls = state.pulls.filter(
          (pull) =>
            pull.owner === params.owner &&
            pull.repo === params.repo &&
            pull.state === "open" &&
            (branch === "" || pull.head === branch),
        );
        return [
          200,
          await Promise.all(
            pulls.map(async (pull) => pullJson(pull, await ctx.branchSha(pull.owner, pull.repo, pull.head))),
          ),
        ];
      },
    ],
    [
      "POST",
      "/repos/:owner/:repo/pulls",
      ({ params, body }) => {
        const number = id();
        const pull = {
          number,
          owner: params.owner!,
          repo: params.repo!,
          title: body.title,
          body: body.body ?? "",
          head: body.head,
          base: body.base,
          draft: body.draft === true,
          state: "open" as const,
          headRepo: `${params.owner}/${params.repo}`,
          maintainerCanModify: false,
        };
        state.pulls.push(pull);
        return [201, pullJson(pull, null)];
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/pulls/:pull",
      async ({ params }) => {
        const pull = state.pulls.find(
          (entry) =>
            entry.owner === params.owner &&
            entry.repo === params.repo &&
            entry.number === Number(params.pull),
        );
        return pull === undefined
          ? notFound
          : [200, pullJson(pull, await ctx.branchSha(pull.owner, pull.repo, pull.head))];
      },
    ],
    ["GET", "/repos/:owner/:repo/pulls/:pull/files", () => [200, []]],
    [
      "GET",
      "/repos/:owner/:repo/git/ref/*",
      async ({ params }) => {
        const ref = params["*"] ?? "";
        if (!ref.startsWith("heads/")) return notFound;
        const sha = await ctx.branchSha(params.owner!, params.repo!, ref.slice("heads/".length));
        return sha === null ? notFound : [200, { ref: `refs/${ref}`, object: { sha, type: "commit" } }];
      },
    ],
    [
      "GET",
      "/repos/:owner/:repo/commits/:sha/check-runs",
      ({ params, query }) => {
        const runs = state.checkRuns.filter(
          (run) =>
            run.owner === params.owner &&
            run.repo === params.repo &&
            run.head_sha === params.sha &&
            (query.get("check_name") === null || run.name === query.get("check_name")),
        );
        return [200, { total_count: runs.length, check_runs: runs }];
      },
    ],
    [
      "POST",
      "/repos/:owner/:repo/check-runs",
      ({ params, body }) => {
        const run = {
          id: id(),
          owner: params.owner!,
          repo: params.repo!,
          name: body.name,
          head_sha: body.head_sha,
          external_id: body.external_id ?? null,
          status: body.status ?? "queued",
          conclusion: body.conclusion ?? null,
          details_url: body.details_url ?? null,
          output: body.output ?? null,
          statuses: [body.conclusion ?? body.status ?? "queued"],
        };
        state.checkRuns.push(run);
        return [201, run];
      },
    ],
    [
      "PATCH",
      "/repos/:owner/:repo/check-runs/:id",
      ({ params, body }) => {
        const run = state.checkRuns.find((entry) => entry.id === Number(params.id));
        if (run === undefined) return notFound;
        Object.assign(run, {
          status: body.status ?? run.status,
          conclusion: body.conclusion ?? run.conclusion,
          output: body.output ?? run.output,
          details_url: body.details_url ?? run.details_url,
        });
        run.statuses.push(body.conclusion ?? body.status ?? run.status);
        return [200, run];
      },
    ],
  ];
}
