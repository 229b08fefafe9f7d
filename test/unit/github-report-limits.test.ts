import { describe, expect, it } from "vitest";
import { slugOf } from "../../src/git/slugify.ts";
import { issueBranchName } from "../../src/github/branch-name.ts";
import { parseGitHubUrl } from "../../src/github/resolve-github-repository.ts";
import {
  limitCheckRunText,
  limitComment,
  MAX_CHECK_RUN_BYTES,
  MAX_COMMENT_CHARS,
} from "../../src/report/limit-text.ts";

const LINK = "https://agent.example.test/tasks/1";

describe("GitHub size limits", () => {
  it("leaves a comment under the limit alone", () => {
    expect(limitComment("short", LINK)).toBe("short");
  });

  it("cuts a comment to 65,536 characters with a pointer to the task page", () => {
    const body = limitComment("x".repeat(200_000), LINK);

    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.endsWith(`[task page](${LINK}).`)).toBe(true);
  });

  it("never splits a surrogate pair when cutting a comment", () => {
    const body = limitComment("🚀".repeat(40_000), LINK);

    expect(body).not.toContain("\ud83d\n");
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
  });

  it("cuts check run text by UTF-8 bytes, not characters", () => {
    const text = limitCheckRunText("é".repeat(60_000), LINK);

    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(MAX_CHECK_RUN_BYTES);
    expect(new TextEncoder().encode(text).length).toBeGreaterThan(MAX_CHECK_RUN_BYTES - 200);
    expect(text).toContain("task page");
  });
});

describe("branch names and GitHub URLs", () => {
  it.each([
    ["Fix the flaky date test!", "fix-the-flaky-date-test"],
    ["  --Ünïcode & spaces--  ", "unicode-spaces"],
    ["", ""],
    ["a".repeat(80), "a".repeat(40)],
  ])("slugifies %j", (input, slug) => {
    expect(slugOf(input)).toBe(slug);
  });

  it("names issue branches after the issue", () => {
    expect(issueBranchName("agent/", 12, "Fix the date test")).toBe("agent/issue-12-fix-the-date-test");
    expect(issueBranchName("agent/", 12, "!!!")).toBe("agent/issue-12");
  });

  it.each([
    ["https://github.com/octo/hello.git", "github.com", { owner: "octo", repo: "hello" }],
    ["https://github.com/octo/hello", "github.com", { owner: "octo", repo: "hello" }],
    ["http://ghe.local:8080/a/b.git", "ghe.local:8080", { owner: "a", repo: "b" }],
    ["https://gitlab.com/octo/hello.git", "github.com", null],
    ["https://github.com/octo", "github.com", null],
    ["https://github.com/octo/hello/tree/main", "github.com", null],
    ["/srv/repo.git", "github.com", null],
    ["git@github.com:octo/hello.git", "github.com", null],
  ])("parses %s on %s", (url, host, expected) => {
    expect(parseGitHubUrl(url, host)).toEqual(expected);
  });
});
