import { describe, expect, it } from "vitest";
import { createSessionValue, isAdminKey, verifySessionValue } from "../../src/web/session-cookie.ts";
import { createTaskLink, createTaskToken, verifyTaskToken } from "../../src/web/task-link.ts";

const TASK = "0b6e1f6e-8d47-4d3a-9d53-8c1f3c1f9a01";
const OTHER = "5f0c2a9b-1111-4c3a-8d53-8c1f3c1f9a02";
const config = {
  publicUrl: "https://agent.example.com",
  adminApiKey: "admin-key-0123456789abcdef",
  taskLinkSecret: undefined,
  taskLinkTtlMs: 60_000,
};

/** Changes the last character of a token to a different one. */
function tamper(token: string): string {
  return token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
}

describe("signed task links", () => {
  it("builds the page URL on PUBLIC_URL with a token that verifies for its task", () => {
    const url = new URL(createTaskLink(config, TASK));

    expect(url.origin + url.pathname).toBe(`https://agent.example.com/tasks/${TASK}`);
    expect(verifyTaskToken(config, TASK, url.searchParams.get("token")!)).toBe(true);
  });

  it.each([
    ["another task", OTHER, createTaskToken(config, TASK), Date.now()],
    ["an expired token", TASK, createTaskToken(config, TASK, Date.now() - 61_000), Date.now()],
    ["a tampered signature", TASK, tamper(createTaskToken(config, TASK)), Date.now()],
    ["a pushed-out expiry", TASK, createTaskToken(config, TASK).replace(/^[0-9a-z]+/, "zzzzzz"), Date.now()],
    ["garbage", TASK, "<script>", Date.now()],
    ["an empty token", TASK, "", Date.now()],
  ])("refuses %s", (_name, taskId, token, now) => {
    expect(verifyTaskToken(config, taskId, token, now)).toBe(false);
  });

  it("depends on the secret: TASK_LINK_SECRET wins over the admin key, and changing it revokes links", () => {
    const withSecret = { ...config, taskLinkSecret: "task-link-secret-0123456789" };
    const token = createTaskToken(withSecret, TASK);

    expect(verifyTaskToken(withSecret, TASK, token)).toBe(true);
    expect(verifyTaskToken(config, TASK, token)).toBe(false);
    expect(verifyTaskToken({ ...withSecret, taskLinkSecret: "another-secret-0123456789" }, TASK, token)).toBe(
      false,
    );
  });

  it("cannot sign without a secret or an admin key", () => {
    expect(() => createTaskLink({ ...config, adminApiKey: undefined }, TASK)).toThrow(/TASK_LINK_SECRET/);
  });
});

describe("admin session cookie", () => {
  it("verifies its own value, never contains the key, and expires", () => {
    const value = createSessionValue(config);

    expect(verifySessionValue(config, value)).toBe(true);
    expect(value).not.toContain(config.adminApiKey);
    expect(verifySessionValue(config, value, Date.now() + 8 * 24 * 60 * 60 * 1000)).toBe(false);
    expect(verifySessionValue({ ...config, adminApiKey: "rotated-admin-key-0123456789" }, value)).toBe(false);
  });

  it("is not interchangeable with a task link token", () => {
    const token = createTaskToken(config, TASK);

    expect(verifySessionValue(config, token)).toBe(false);
    expect(verifyTaskToken(config, TASK, createSessionValue(config))).toBe(false);
  });

  it.each([
    [config.adminApiKey, true],
    [`${config.adminApiKey}x`, false],
    ["", false],
    ["admin-key-0123456789abcdeF", false],
  ])("compares the submitted admin key %j → %s", (submitted, expected) => {
    expect(isAdminKey(config, submitted)).toBe(expected);
  });
});
