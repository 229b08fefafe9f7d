import { describe, expect, it } from "vitest";
import { buildAgentEnv } from "../../src/agent/build-agent-env.ts";
import { buildClaudeArgs, buildClaudeCommand } from "../../src/agent/build-claude-command.ts";
import { claudeProjectDir, isSessionId } from "../../src/agent/claude-project-dir.ts";
import type { Config } from "../../src/config.ts";

const agent: Config["agent"] = {
  anthropicApiKey: "sk-ant-api-key-0123456789",
  oauthToken: undefined,
  baseUrl: "http://127.0.0.1:9999",
  model: undefined,
  maxTurns: 50,
  idleTimeoutMs: 600_000,
};

describe("buildClaudeArgs", () => {
  it("runs non-interactively with stream-json, the model, max turns and the sandbox rules", () => {
    const args = buildClaudeArgs({ promptFile: "/h/prompt.md", model: "claude-sonnet-4-5", maxTurns: 7 });

    expect(args.slice(0, 5)).toEqual([
      "-p",
      "--output-format",
      "stream-json",
      "--verbose",
      "--dangerously-skip-permissions",
    ]);
    expect(args).toEqual(expect.arrayContaining(["--model", "claude-sonnet-4-5", "--max-turns", "7"]));
    const systemPrompt = args[args.indexOf("--append-system-prompt") + 1];
    expect(systemPrompt).toMatch(/sandbox/);
    expect(systemPrompt).toMatch(/Do not push/);
    expect(args).not.toContain("--resume");
  });

  it("resumes a session when asked", () => {
    const args = buildClaudeArgs({
      promptFile: "/h/prompt.md",
      resumeSessionId: "be710e4d-82b4-4a20-8ff7-8ba3db5544d5",
    });

    expect(args.slice(-2)).toEqual(["--resume", "be710e4d-82b4-4a20-8ff7-8ba3db5544d5"]);
  });

  it("feeds the prompt from its file on stdin, never as an argument", () => {
    const command = buildClaudeCommand({ promptFile: "/home/it's dir/prompt.md" });

    expect(command).toMatch(/ < '\/home\/it'\\''s dir\/prompt\.md'$/);
    expect(buildClaudeArgs({ promptFile: "/h/prompt.md" })).not.toContain("/h/prompt.md");
  });

  it("never puts a credential on the command line", () => {
    const command = buildClaudeCommand({ promptFile: "/h/prompt.md", model: "m", maxTurns: 3 });

    expect(command).not.toContain(agent.anthropicApiKey);
    expect(command).not.toMatch(/sk-ant|ghs_|token/i);
  });
});

describe("buildAgentEnv", () => {
  it("prefers the OAuth token over the API key and never carries a GitHub token", () => {
    const env = buildAgentEnv({ ...agent, oauthToken: "oauth-token-value" });

    expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBe("oauth-token-value");
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.ANTHROPIC_BASE_URL).toBe("http://127.0.0.1:9999");
    expect(env.IS_SANDBOX).toBe("1");
    expect(env.DISABLE_AUTOUPDATER).toBe("1");
    expect(Object.keys(env).filter((key) => /GITHUB|GH_|GIT_/.test(key))).toEqual([]);
  });

  it("gives Claude Code its request timeout and retry count when set", () => {
    const env = buildAgentEnv(agent, { apiTimeoutMs: 300_000, maxRetries: 2 });

    expect(env.API_TIMEOUT_MS).toBe("300000");
    expect(env.CLAUDE_CODE_MAX_RETRIES).toBe("2");
  });

  it("uses the API key when there is no OAuth token", () => {
    expect(buildAgentEnv(agent).ANTHROPIC_API_KEY).toBe("sk-ant-api-key-0123456789");
  });

  it("refuses to start without any model credential (not retryable)", () => {
    expect(() => buildAgentEnv({ ...agent, anthropicApiKey: undefined })).toThrow(
      expect.objectContaining({ code: "missing_credentials", retryable: false }),
    );
  });
});

describe("claudeProjectDir", () => {
  it.each([
    ["/tmp/tmp.HS2NcxXQTb", "-tmp-tmp-HS2NcxXQTb"],
    ["/data/sandboxes/sbx-1_a/workspace", "-data-sandboxes-sbx-1-a-workspace"],
  ])("%s → %s", (workdir, dir) => {
    expect(claudeProjectDir(workdir)).toBe(dir);
  });

  it("accepts only UUID session ids", () => {
    expect(isSessionId("be710e4d-82b4-4a20-8ff7-8ba3db5544d5")).toBe(true);
    expect(isSessionId("../../etc/passwd")).toBe(false);
  });
});
