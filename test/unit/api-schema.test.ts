import { describe, expect, it } from "vitest";
import { BranchName, CreateTaskBody, RepositoryUrl } from "../../src/api/schema.ts";

describe("RepositoryUrl", () => {
  it.each([
    "https://github.com/octo/hello",
    "https://github.com/octo/hello.git",
    "http://git.internal:8080/octo/hello.git",
    "ssh://git@github.com/octo/hello.git",
    "git@github.com:octo/hello.git",
    "/srv/git/hello",
    "file:///srv/git/hello",
  ])("accepts %s", (url) => {
    expect(RepositoryUrl.safeParse(url).success).toBe(true);
  });

  it.each([
    ["-uhttps://x", "must not start with '-'"],
    ["--upload-pack=evil", "must not start with '-'"],
    ["https://github.com/a\tb", "control characters"],
    ["https://github.com/a\u007fb", "control characters"],
    ["https://github.com/a b", "whitespace"],
    ["ftp://github.com/a/b", "git URL"],
    ["ext::sh", "git URL"],
    ["relative/dir", "git URL"],
    ["https://", "git URL"],
    ["C:\\repo", "git URL"],
    ["/srv/git\\..\\x", "git URL"],
  ])("refuses %j (%s)", (url, message) => {
    const result = RepositoryUrl.safeParse(url);

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join("; ")).toContain(message);
  });

  it("refuses URLs over 2048 characters", () => {
    expect(RepositoryUrl.safeParse(`https://github.com/${"a".repeat(2048)}`).success).toBe(false);
  });
});

describe("BranchName", () => {
  it.each(["main", "release/1.2", "feature_x-y.z"])("accepts %s", (name) => {
    expect(BranchName.safeParse(name).success).toBe(true);
  });

  it.each(["-x", "a..b", "a//b", "a@{1}", "ends/", "ends.", "has space", "a~1", ""])("refuses %j", (name) => {
    expect(BranchName.safeParse(name).success).toBe(false);
  });
});

describe("CreateTaskBody", () => {
  it("trims the prompt and refuses unknown fields", () => {
    expect(CreateTaskBody.parse({ repository_url: "/r", prompt: "  hi  " }).prompt).toBe("hi");
    expect(CreateTaskBody.safeParse({ repository_url: "/r", prompt: "hi", model: "x" }).success).toBe(false);
  });
});
