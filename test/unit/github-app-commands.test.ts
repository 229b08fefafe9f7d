import nock from "nock";
import { describe, expect, it } from "vitest";
import { installationPayload, issueCommentPayload, OWNER, REPO } from "../fixtures/github-payloads.ts";
import {
  API,
  mockInstallationToken,
  mockPermission,
  mockRepoConfig,
} from "../support/github-probot-harness.ts";
import { useGitHubHarness } from "../support/use-github-harness.ts";

describe("GitHub app: permissions, config, help, stop, installations", () => {
  const world = useGitHubHarness();

  function collectComments(scope: nock.Scope, into: string[], times = 1): nock.Scope {
    return scope
      .post(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .times(times)
      .reply(201, async (request: Request) => {
        into.push(((await request.json()) as { body: string }).body);
        return { id: 1 };
      });
  }

  it.each([
    ["read", undefined],
    ["triage", undefined],
    ["none", undefined],
  ])("refuses a commenter with %s permission with one short reply and no task", async (permission, role) => {
    const replies: string[] = [];
    const scope = mockPermission(
      mockRepoConfig(mockInstallationToken(), OWNER, REPO, null),
      OWNER,
      REPO,
      "mallory",
      permission,
      role,
    );
    collectComments(scope, replies);

    await world.harness.receive(
      "issue_comment",
      issueCommentPayload({ body: "/agent delete everything", login: "mallory" }),
    );

    expect(await world.db.selectFrom("tasks").select("id").execute()).toEqual([]);
    expect(replies).toEqual([
      "@mallory only people with write access to this repository can start Cloud Agent.",
    ]);
    const delivery = await world.db
      .selectFrom("webhook_deliveries")
      .select("outcome")
      .executeTakeFirstOrThrow();
    expect(delivery.outcome).toBe("refused");
  });

  it("refuses someone who is not a collaborator at all (404)", async () => {
    const replies: string[] = [];
    const scope = mockRepoConfig(mockInstallationToken(), OWNER, REPO, null)
      .get(`/repos/${OWNER}/${REPO}/collaborators/stranger/permission`)
      .reply(404, { message: "Not Found" });
    collectComments(scope, replies);

    await world.harness.receive(
      "issue_comment",
      issueCommentPayload({ body: "/agent go", login: "stranger" }),
    );

    expect(replies[0]).toContain("only people with write access");
  });

  it("answers with a 👎 reaction instead when the repository config says so", async () => {
    mockPermission(
      mockRepoConfig(mockInstallationToken(), OWNER, REPO, "unauthorized_response: reaction\n"),
      OWNER,
      REPO,
      "mallory",
      "read",
    )
      .post(`/repos/${OWNER}/${REPO}/issues/comments/492700400/reactions`, { content: "-1" })
      .reply(201, {});

    await world.harness.receive(
      "issue_comment",
      issueCommentPayload({ body: "/agent go", login: "mallory" }),
    );

    expect(await world.db.selectFrom("tasks").select("id").execute()).toEqual([]);
  });

  it("accepts the maintain role", async () => {
    mockPermission(
      mockRepoConfig(mockInstallationToken(), OWNER, REPO, null),
      OWNER,
      REPO,
      "Codertocat",
      "write",
      "maintain",
    )
      .post(`/repos/${OWNER}/${REPO}/issues/comments/492700400/reactions`)
      .reply(201, {})
      .post(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .reply(201, { id: 5 })
      .get(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, []);

    await world.harness.receive("issue_comment", issueCommentPayload({ body: "/agent go" }));

    expect(await world.db.selectFrom("tasks").select("id").execute()).toHaveLength(1);
  });

  it("narrows who may trigger to allowed_users", async () => {
    const replies: string[] = [];
    const scope = mockPermission(
      mockRepoConfig(mockInstallationToken(), OWNER, REPO, "allowed_users: [alice]\n"),
      OWNER,
      REPO,
      "Codertocat",
      "admin",
    );
    collectComments(scope, replies);

    await world.harness.receive("issue_comment", issueCommentPayload({ body: "/agent go" }));

    expect(await world.db.selectFrom("tasks").select("id").execute()).toEqual([]);
    expect(replies[0]).toContain("limits who can start Cloud Agent");
  });

  it("lets a member of an allowed team trigger, with the config applied to the task", async () => {
    const yaml = [
      "allowed_teams: [Codertocat/agents]",
      "model: claude-sonnet-4-5",
      "max_turns: 12",
      "timeout: 900",
      "pr_mode: ready",
      "branch_prefix: bots/",
      "setup_commands: [npm ci]",
      "allowed_hosts: [registry.npmjs.org]",
    ].join("\n");
    mockPermission(
      mockRepoConfig(mockInstallationToken(), OWNER, REPO, yaml),
      OWNER,
      REPO,
      "Codertocat",
      "write",
    )
      .get("/orgs/Codertocat/teams/agents/memberships/Codertocat")
      .reply(200, { state: "active", role: "member" })
      .post(`/repos/${OWNER}/${REPO}/issues/comments/492700400/reactions`)
      .reply(201, {})
      .post(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .reply(201, { id: 6 })
      .get(`/repos/${OWNER}/${REPO}/issues/1/comments`)
      .query(true)
      .reply(200, []);

    await world.harness.receive("issue_comment", issueCommentPayload({ body: "/agent go" }));

    const task = await world.db.selectFrom("tasks").selectAll().executeTakeFirstOrThrow();
    expect(task.work_branch).toBe("bots/issue-1-spelling-error-in-the-readme-file");
    expect(task.options).toMatchObject({
      model: "claude-sonnet-4-5",
      max_turns: 12,
      timeout_seconds: 900,
      pr_mode: "ready",
      setup_commands: ["npm ci"],
      allowed_hosts: ["registry.npmjs.org"],
    });
  });

  it.each([
    ["an unknown key", "pr_mode: draft\nautomerge: true\n", "(file): Unrecognized key"],
    ["a bad enum", "pr_mode: sometimes\n", "pr_mode:"],
    ["a wrong type", "max_turns: lots\n", "max_turns:"],
    ["an unsafe branch prefix", "branch_prefix: ../main\n", "branch_prefix:"],
    ["broken YAML", "pr_mode: [draft\n", "invalid YAML"],
  ])("explains an invalid config (%s) and starts nothing", async (_label, yaml, problem) => {
    const replies: string[] = [];
    const scope = mockPermission(
      mockRepoConfig(mockInstallationToken(), OWNER, REPO, yaml),
      OWNER,
      REPO,
      "Codertocat",
      "write",
    );
    collectComments(scope, replies);

    await world.harness.receive("issue_comment", issueCommentPayload({ body: "/agent go" }));

    expect(await world.db.selectFrom("tasks").select("id").execute()).toEqual([]);
    expect(replies[0]).toContain("`.github/cloud-agent.yml` is not valid");
    expect(replies[0]).toContain(problem);
  });

  it.each(["/agent", "/agent help", "/agent new"])("replies with usage to %j", async (body) => {
    const replies: string[] = [];
    collectComments(
      mockPermission(
        mockRepoConfig(mockInstallationToken(), OWNER, REPO, null),
        OWNER,
        REPO,
        "Codertocat",
        "write",
      ),
      replies,
    );

    await world.harness.receive("issue_comment", issueCommentPayload({ body }));

    expect(replies[0]).toContain("`/agent stop`");
    expect(await world.db.selectFrom("tasks").select("id").execute()).toEqual([]);
  });

  it("/agent stop cancels the queued and waiting tasks of the issue and finishes their comments", async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    for (const [index, id] of ids.entries()) {
      await world.db
        .insertInto("tasks")
        .values({
          id,
          repository_url: `https://github.com/${OWNER}/${REPO}.git`,
          prompt: `task ${index}`,
          status: index === 0 ? "queued" : "pending",
          source: "github",
          options: "{}",
          owner: OWNER,
          repo: REPO,
          issue_number: 1,
          installation_id: 4242,
          progress_comment_id: 700 + index,
          base_branch: "master",
          created_at: new Date(Date.now() - 10_000 + index),
          updated_at: new Date(),
        })
        .execute();
    }
    const edits: string[] = [];
    mockPermission(
      mockRepoConfig(mockInstallationToken(), OWNER, REPO, null),
      OWNER,
      REPO,
      "Codertocat",
      "write",
    )
      .patch(/\/repos\/Codertocat\/Hello-World\/issues\/comments\/70[01]/)
      .times(2)
      .reply(200, async (request: Request) => {
        edits.push(((await request.json()) as { body: string }).body);
        return {};
      })
      .get(`/repos/${OWNER}/${REPO}/git/ref/heads%2Fmaster`)
      .times(2)
      .reply(200, { object: { sha: "a".repeat(40) } })
      .get(`/repos/${OWNER}/${REPO}/commits/${"a".repeat(40)}/check-runs`)
      .query(true)
      .times(2)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(
        `/repos/${OWNER}/${REPO}/check-runs`,
        (body: { conclusion?: string }) => body.conclusion === "cancelled",
      )
      .times(2)
      .reply(201, { id: 1 })
      .post(`/repos/${OWNER}/${REPO}/issues/comments/492700400/reactions`, { content: "+1" })
      .reply(201, {});

    await world.harness.receive("issue_comment", issueCommentPayload({ body: "/agent stop" }));

    const statuses = await world.db.selectFrom("tasks").select("status").execute();
    expect(statuses.map((row) => row.status)).toEqual(["cancelled", "cancelled"]);
    expect(edits).toHaveLength(2);
    for (const edit of edits) expect(edit).toContain("cancelled by @Codertocat");
  });

  it("/agent stop with nothing running says so", async () => {
    const replies: string[] = [];
    collectComments(
      mockPermission(
        mockRepoConfig(mockInstallationToken(), OWNER, REPO, null),
        OWNER,
        REPO,
        "Codertocat",
        "write",
      ),
      replies,
    );

    await world.harness.receive("issue_comment", issueCommentPayload({ body: "/agent stop" }));

    expect(replies).toEqual(["**Cloud Agent**: nothing is running or queued here."]);
  });

  it("keeps the installations table current", async () => {
    await world.harness.receive("installation", installationPayload("created"));
    const created = await world.db
      .selectFrom("installations")
      .selectAll()
      .where("id", "=", 957387)
      .executeTakeFirstOrThrow();
    await world.harness.receive("installation", {
      ...installationPayload("suspend"),
      installation: { ...installationPayload("suspend").installation, id: 957387 },
    });
    const suspended = await world.db
      .selectFrom("installations")
      .selectAll()
      .where("id", "=", 957387)
      .executeTakeFirstOrThrow();
    await world.harness.receive("installation", {
      ...installationPayload("deleted"),
      installation: { ...installationPayload("deleted").installation, id: 957387 },
    });
    const deleted = await world.db
      .selectFrom("installations")
      .selectAll()
      .where("id", "=", 957387)
      .executeTakeFirstOrThrow();

    expect(created).toMatchObject({
      account_login: "Codertocat",
      repository_selection: "selected",
      deleted_at: null,
      suspended_at: null,
    });
    expect(suspended.suspended_at).not.toBeNull();
    expect(deleted.deleted_at).not.toBeNull();
    expect(nock.isDone()).toBe(true);
    void API;
  });
});
