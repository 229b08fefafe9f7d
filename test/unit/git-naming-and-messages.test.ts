import { describe, expect, it } from "vitest";
import { buildCommitMessage, coAuthorOf, hasTaskTrailer } from "../../src/git/commit-message.ts";
import { createTokenGitAuth } from "../../src/git/create-token-git-auth.ts";
import { credentialSecrets, gitCredentialEnv } from "../../src/git/git-credential-env.ts";
import { slugify } from "../../src/git/slugify.ts";
import { isValidBranchName, workBranchName } from "../../src/git/work-branch-name.ts";
import type { Task } from "../../src/tasks/task.table.ts";

const ID = "1c9a5d93-4250-4b86-8351-682d012e3ae3";

function task(fields: Partial<Task>): Task {
  return {
    id: ID,
    prompt: "Fix the flaky date test!",
    work_branch: null,
    issue_number: null,
    is_pull_request: false,
    options: {},
    repository_url: "https://github.com/octo/hello.git",
    ...fields,
  } as Task;
}

describe("workBranchName", () => {
  it.each([
    ["an API task", {}, "agent/1c9a5d93-fix-the-flaky-date-test"],
    ["a GitHub issue task", { issue_number: 42 }, "agent/issue-42-fix-the-flaky-date-test"],
    [
      "a custom prefix",
      { issue_number: 42, options: { branch_prefix: "bots/" } },
      "bots/issue-42-fix-the-flaky-date-test",
    ],
    ["a prefix without a slash", { options: { branch_prefix: "ai" } }, "ai/1c9a5d93-fix-the-flaky-date-test"],
    ["a hostile prefix", { options: { branch_prefix: "../x y" } }, "x-y/1c9a5d93-fix-the-flaky-date-test"],
    [
      "a PR head (preset)",
      { work_branch: "feature/login", is_pull_request: true, issue_number: 7 },
      "feature/login",
    ],
    ["a prompt without letters", { prompt: "🙂🙂" }, "agent/1c9a5d93-task"],
    ["a multi-line prompt", { prompt: "Add tests\n\nfor everything" }, "agent/1c9a5d93-add-tests"],
  ])("%s", (_name, fields, expected) => {
    const name = workBranchName(task(fields));

    expect(name).toBe(expected);
    expect(isValidBranchName(name)).toBe(true);
  });

  it.each(["", "-x", "a..b", "a b", "a~1", "a/", "a.lock", "a@{1}", "a//b", "x\u0000"])(
    "refuses %j as a branch name",
    (name) => {
      expect(isValidBranchName(name)).toBe(false);
    },
  );

  it("keeps slugs short", () => {
    expect(slugify("a".repeat(100))).toHaveLength(40);
    expect(slugify("Ünïcödé — stuff")).toBe("unicode-stuff");
  });
});

describe("buildCommitMessage", () => {
  it("has a subject from the prompt, the agent's summary, the prompt and trailers", () => {
    const message = buildCommitMessage({
      taskId: ID,
      prompt: "Fix the flaky date test\n\nIt fails around midnight.",
      summary: "Pinned the clock in the test.",
      coAuthor: "octocat <octocat@users.noreply.github.com>",
    });

    expect(message).toBe(
      [
        "Fix the flaky date test",
        "",
        "Pinned the clock in the test.",
        "",
        "Prompt:",
        "Fix the flaky date test",
        "",
        "It fails around midnight.",
        "",
        `Cloud-Agent-Task: ${ID}`,
        "Co-authored-by: octocat <octocat@users.noreply.github.com>",
        "",
      ].join("\n"),
    );
    expect(hasTaskTrailer(message, ID)).toBe(true);
    expect(hasTaskTrailer(message, "another-task")).toBe(false);
  });

  it("cuts a long subject to 72 characters", () => {
    const subject = buildCommitMessage({
      taskId: ID,
      prompt: "x".repeat(200),
      summary: null,
      coAuthor: null,
    }).split("\n")[0];

    expect(subject).toHaveLength(72);
  });

  it.each([
    ["octocat", undefined, "octocat <octocat@users.noreply.github.com>"],
    ["octocat", "o@example.com", "octocat <o@example.com>"],
    [null, undefined, null],
  ])("co-author of %s / %s", (login, email, expected) => {
    expect(coAuthorOf(login, email)).toBe(expected);
  });
});

describe("git credentials", () => {
  it("go into git's config environment only, as a basic auth header", () => {
    const env = gitCredentialEnv({ username: "x-access-token", password: "ghs_secret0123456789abcdef" });

    expect(env.GIT_CONFIG_COUNT).toBe("2");
    expect(env.GIT_CONFIG_KEY_1).toBe("http.extraHeader");
    expect(env.GIT_CONFIG_VALUE_1).toBe(
      `Authorization: Basic ${Buffer.from("x-access-token:ghs_secret0123456789abcdef").toString("base64")}`,
    );
    expect(env.GIT_TERMINAL_PROMPT).toBe("0");
    expect(credentialSecrets({ username: "x-access-token", password: "ghs_secret0123456789abcdef" })).toEqual(
      [
        "ghs_secret0123456789abcdef",
        Buffer.from("x-access-token:ghs_secret0123456789abcdef").toString("base64"),
      ],
    );
  });

  it("without credentials only switch prompts and helpers off", () => {
    const env = gitCredentialEnv(null);

    expect(env.GIT_CONFIG_COUNT).toBe("1");
    expect(JSON.stringify(env)).not.toContain("Authorization");
  });

  it.each([
    ["https://github.com/o/r.git", "x-access-token"],
    ["https://ghe.example.com/o/r.git", "x-access-token"],
    ["https://gitlab.com/o/r.git", null],
    ["/srv/git/r.git", null],
  ])("GITHUB_TOKEN is used for %s → %s", async (url, username) => {
    const auth = createTokenGitAuth({ token: "ghp_token0123456789abcdefgh", gheHost: "ghe.example.com" });

    const credentials = await auth.forTask(task({ repository_url: url }));

    expect(credentials?.username ?? null).toBe(username);
  });
});
