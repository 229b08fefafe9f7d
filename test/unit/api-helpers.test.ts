import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { keysMatch } from "../../src/api/bearer-auth.ts";
import { parseInput } from "../../src/api/parse-input.ts";
import { resolveAdminApiKey } from "../../src/api/resolve-admin-api-key.ts";
import { resumeCommands } from "../../src/api/resume-commands.ts";
import { CreateTaskBody } from "../../src/api/schema.ts";
import { shellQuote } from "../../src/api/shell-quote.ts";
import { toTaskJson } from "../../src/api/to-task-json.ts";
import type { Task } from "../../src/tasks/task.table.ts";

describe("keysMatch", () => {
  it.each([
    ["same-key-0123456789", "same-key-0123456789", true],
    ["same-key-0123456789x", "same-key-0123456789", false],
    ["same-key-012345678", "same-key-0123456789", false],
    ["", "same-key-0123456789", false],
    ["SAME-KEY-0123456789", "same-key-0123456789", false],
  ])("%j vs %j → %s", (given, expected, result) => {
    expect(keysMatch(given, expected)).toBe(result);
  });
});

describe("parseInput", () => {
  it("names each bad field and unknown fields in details", () => {
    let error: any;
    try {
      parseInput(CreateTaskBody, { prompt: 3, nope: 1 }, "body");
    } catch (caught) {
      error = caught;
    }

    expect(error.code).toBe("validation_failed");
    expect(error.httpStatus).toBe(400);
    const fields = error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["repository_url", "prompt", "nope"]));
    expect(error.message).toMatch(/^Invalid body: /);
  });

  it("returns the parsed value", () => {
    expect(parseInput(CreateTaskBody, { repository_url: "/r", prompt: "x" }, "body")).toEqual({
      repository_url: "/r",
      prompt: "x",
    });
  });
});

describe("resolveAdminApiKey", () => {
  const log = pino({ level: "silent" });

  it("uses ADMIN_API_KEY when set and writes nothing", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ca-key-"));

    expect(resolveAdminApiKey({ adminApiKey: "configured-key-123456", dataDir }, log)).toBe(
      "configured-key-123456",
    );
    expect(() => statSync(join(dataDir, "admin-api-key"))).toThrow();
  });

  it("generates a key once into DATA_DIR/admin-api-key with mode 600 and reuses it", () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "ca-key-")), "nested");

    const first = resolveAdminApiKey({ adminApiKey: undefined, dataDir }, log);
    const second = resolveAdminApiKey({ adminApiKey: undefined, dataDir }, log);

    const path = join(dataDir, "admin-api-key");
    expect(first).toMatch(/^ca_[A-Za-z0-9_-]{40,}$/);
    expect(second).toBe(first);
    expect(readFileSync(path, "utf8").trim()).toBe(first);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("refuses a key file too short to be a key, saying what to do", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ca-key-"));
    writeFileSync(join(dataDir, "admin-api-key"), "short\n");

    expect(() => resolveAdminApiKey({ adminApiKey: undefined, dataDir }, log)).toThrow(
      /holds no usable key; delete it or set ADMIN_API_KEY/,
    );
  });

  it("logs the path, never the key", () => {
    const lines: string[] = [];
    const capture = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const dataDir = mkdtempSync(join(tmpdir(), "ca-key-"));

    const key = resolveAdminApiKey({ adminApiKey: undefined, dataDir }, capture);

    expect(lines.join("")).toContain(join(dataDir, "admin-api-key"));
    expect(lines.join("")).not.toContain(key);
  });
});

describe("shellQuote", () => {
  it.each([
    ["plain-name_1.2", "plain-name_1.2"],
    ["has space", "'has space'"],
    ["it's", "'it'\\''s'"],
    ["$(rm -rf /)", "'$(rm -rf /)'"],
  ])("%j → %s", (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });
});

const task = {
  id: "6f1c0b36-3a3c-4b5e-9a86-0b1c2d3e4f50",
  status: "completed",
  source: "github",
  repository_url: "https://github.com/octo/hello.git",
  prompt: "p",
  base_branch: "main",
  work_branch: "cloud-agent/fix-it",
  commit_sha: "abc",
  result: "done",
  error_code: "push_failed",
  error_message: "rejected",
  error_step: "push",
  cost_usd: 0.5,
  num_turns: 4,
  duration_ms: 10,
  agent_session_id: "sess-1",
  attempt: 1,
  requested_by: "octocat",
  installation_id: 1,
  owner: "octo",
  repo: "hello",
  issue_number: 7,
  is_pull_request: true,
  trigger_comment_id: 9,
  progress_comment_id: 10,
  check_run_id: 11,
  pr_url: "https://github.com/octo/hello/pull/8",
  pr_number: 8,
  sandbox_id: null,
  created_at: new Date("2026-11-23T10:00:00Z"),
  updated_at: new Date("2026-11-23T10:01:00Z"),
  queued_at: null,
  started_at: new Date("2026-11-23T10:00:01Z"),
  finished_at: new Date("2026-11-23T10:01:00Z"),
} as unknown as Task;

describe("toTaskJson", () => {
  it("shows the error, the GitHub context and links", () => {
    const json = toTaskJson(task, "https://agent.example");

    expect(json.error).toEqual({ code: "push_failed", message: "rejected", step: "push" });
    expect(json.github).toMatchObject({ owner: "octo", issue_number: 7, pr_number: 8 });
    expect(json.links.session).toBe(`https://agent.example/v1/tasks/${task.id}/session`);
    expect(json.created_at).toBe("2026-11-23T10:00:00.000Z");
    expect(json.queued_at).toBeNull();
  });

  it("has no github block for API tasks and no error without a code", () => {
    const json = toTaskJson({ ...task, source: "api", error_code: null }, "http://x");

    expect(json.github).toBeNull();
    expect(json.error).toBeNull();
  });
});

describe("resumeCommands", () => {
  it("checks out the branch, downloads the session where Claude Code looks, and resumes it", () => {
    const commands = resumeCommands(
      task,
      { sessionId: "sess-1", relativePath: "-workspace/sess-1.jsonl", content: "{}" },
      "https://agent.example",
    );

    expect(commands[0]).toBe("git fetch origin cloud-agent/fix-it && git checkout cloud-agent/fix-it");
    expect(commands.join("\n")).toContain(`'https://agent.example/v1/tasks/${task.id}/session?format=jsonl'`);
    expect(commands.join("\n")).toContain("/sess-1.jsonl");
    expect(commands.at(-1)).toBe("claude --resume sess-1");
  });

  it("skips the checkout without a branch and the resume without a session id", () => {
    const commands = resumeCommands(
      { ...task, work_branch: null },
      { sessionId: null, relativePath: "x/y.jsonl", content: "{}" },
      "http://x",
    );

    expect(commands.some((c) => c.startsWith("git "))).toBe(false);
    expect(commands.some((c) => c.startsWith("claude "))).toBe(false);
  });
});
