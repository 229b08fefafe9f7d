import Bottleneck from "bottleneck";
import nock from "nock";
import { pino } from "pino";
import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withThrottleRetries, throttleRetryHandlers } from "../../src/github/with-throttle-retries.ts";

const API = "https://api.github.com";
const SECONDARY = {
  message:
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
  documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
};

/**
 * The production class (withThrottleRetries over ProbotOctokit). To keep the test fast, retry-after
 * counts in ms instead of s and writes are not spaced (the plugin's default: 1 s, comments 3 s).
 */
function octokit() {
  const Octokit = withThrottleRetries(ProbotOctokit, pino({ level: "silent" }));
  const write = new Bottleneck.Group({ minTime: 0 });
  const notifications = new Bottleneck.Group({ minTime: 0 });
  return new Octokit({
    auth: "ghs_test_token",
    throttle: { retryAfterBaseValue: 1, write, notifications },
    retry: { enabled: false },
  });
}

function comment(client: ReturnType<typeof octokit>) {
  return client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: "octo",
    repo: "hello",
    issue_number: 1,
    body: "hi",
  });
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterAll(() => {
  nock.enableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe("withThrottleRetries", () => {
  it("sends a write again after a secondary rate limit, once retry-after has passed", async () => {
    nock(API)
      .post("/repos/octo/hello/issues/1/comments")
      .reply(403, SECONDARY, { "retry-after": "2" })
      .post("/repos/octo/hello/issues/1/comments")
      .reply(201, { id: 7 });

    const response = await comment(octokit());

    expect(response.status).toBe(201);
    expect(response.data).toEqual({ id: 7 });
  });

  it("gives up after 3 retries of a secondary limit (4 requests) and throws the 403", async () => {
    nock(API)
      .post("/repos/octo/hello/issues/1/comments")
      .times(4)
      .reply(403, SECONDARY, { "retry-after": "1" });

    await expect(comment(octokit())).rejects.toMatchObject({ status: 403 });
  });

  it("retries a primary rate limit that resets within a minute", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 2);
    nock(API)
      .post("/repos/octo/hello/issues/1/comments")
      .reply(
        403,
        { message: "API rate limit exceeded for installation." },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      )
      .post("/repos/octo/hello/issues/1/comments")
      .reply(201, { id: 8 });

    const response = await comment(octokit());

    expect(response.status).toBe(201);
  });

  it("fails at once when the primary limit resets only in an hour", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    nock(API)
      .post("/repos/octo/hello/issues/1/comments")
      .reply(
        403,
        { message: "API rate limit exceeded for installation." },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      );

    await expect(comment(octokit())).rejects.toMatchObject({ status: 403 });
  });
});

describe("withThrottleRetries inside Probot", () => {
  it("overrides Probot's handler, which only logs a secondary limit, for installation clients", async () => {
    const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    }) as string;
    const probot = new Probot({
      appId: 1,
      privateKey,
      secret: "secret",
      log: pino({ level: "silent" }),
      Octokit: withThrottleRetries(ProbotOctokit, pino({ level: "silent" })),
    });
    nock(API)
      .post("/app/installations/5/access_tokens")
      .reply(201, {
        token: "ghs_installation_token",
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      })
      .post("/repos/octo/hello/issues/1/comments")
      .reply(403, SECONDARY, { "retry-after": "1" })
      .post("/repos/octo/hello/issues/1/comments")
      .reply(201, { id: 9 });
    const client = await probot.auth(5);

    const response = await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: "octo",
      repo: "hello",
      issue_number: 1,
      body: "hi",
    });

    expect(response.status).toBe(201);
  }, 15_000);
});

describe("throttleRetryHandlers", () => {
  const handlers = throttleRetryHandlers(pino({ level: "silent" }));
  const request = { method: "POST", url: "/repos/{owner}/{repo}/issues/{issue_number}/comments" };

  it.each([
    ["secondary, first time, 60 s", true, "secondary", 60, 0],
    ["secondary, third retry", true, "secondary", 1, 2],
    ["secondary, fourth retry", false, "secondary", 1, 3],
    ["secondary, retry-after 10 min", false, "secondary", 600, 0],
    ["primary, resets in 30 s", true, "primary", 30, 0],
    ["primary, resets in an hour", false, "primary", 3600, 0],
  ] as const)("%s → retry: %s", (_label, expected, kind, retryAfter, retryCount) => {
    const handler = kind === "secondary" ? handlers.onSecondaryRateLimit : handlers.onRateLimit;

    expect(handler(retryAfter, request, undefined, retryCount)).toBe(expected);
  });
});
