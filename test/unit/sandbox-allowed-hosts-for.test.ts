import { describe, expect, it } from "vitest";
import { allowedHostsFor } from "../../src/sandbox/allowed-hosts-for.ts";

describe("allowedHostsFor", () => {
  it.each([
    [
      { repositoryUrl: "https://github.com/o/r.git" },
      ["github.com", "api.anthropic.com", "registry.npmjs.org"],
    ],
    [
      {
        repositoryUrl: "https://ghe.example.com/o/r",
        anthropicBaseUrl: "https://gateway.example.com/anthropic",
      },
      ["ghe.example.com", "gateway.example.com", "registry.npmjs.org"],
    ],
    [
      { repositoryUrl: "http://127.0.0.1:9000/o/r.git", anthropicBaseUrl: "http://127.0.0.1:4567" },
      ["127.0.0.1:9000", "127.0.0.1:4567", "registry.npmjs.org"],
    ],
    [{ repositoryUrl: "git@github.com:o/r.git" }, ["github.com", "api.anthropic.com", "registry.npmjs.org"]],
    [{ repositoryUrl: "/srv/repos/r.git" }, ["api.anthropic.com", "registry.npmjs.org"]],
    [{ repositoryUrl: "file:///srv/r.git" }, ["api.anthropic.com", "registry.npmjs.org"]],
    [
      {
        repositoryUrl: "https://github.com/o/r",
        extra: ["pypi.org", " files.pythonhosted.org ", "", "GitHub.com"],
      },
      ["github.com", "api.anthropic.com", "registry.npmjs.org", "pypi.org", "files.pythonhosted.org"],
    ],
    [{}, ["api.anthropic.com", "registry.npmjs.org"]],
  ])("%j → %j", (input, expected) => {
    expect(allowedHostsFor(input)).toEqual(expected);
  });
});
