import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { withWriteSpacing } from "../../src/github/with-write-spacing.ts";
import {
  githubWriteLimitPlugin,
  isContentCreating,
} from "../../src/reliability/github-write-limit-plugin.ts";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;
const log = pino({ level: "silent" });

describe("githubWriteLimitPlugin", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  it("lets requests through when Redis fails", async () => {
    const broken = { eval: () => Promise.reject(new Error("ECONNREFUSED")) };
    const Limited = ProbotOctokit.plugin(githubWriteLimitPlugin({ redis: broken, log }));
    const octokit = new Limited({
      auth: { token: "ghs_x" },
      throttle: { enabled: false },
      retry: { enabled: false },
    });
    nock("https://api.github.com").post("/repos/o/r/issues/1/comments").reply(201, { id: 1 });

    const response = await octokit.rest.issues.createComment({
      owner: "o",
      repo: "r",
      issue_number: 1,
      body: "x",
    });

    expect(response.status).toBe(201);
  });

  it.each([
    [{ method: "POST", url: "/repos/{owner}/{repo}/issues/{issue_number}/comments" }, true],
    [{ method: "PATCH", url: "/repos/{owner}/{repo}/check-runs/{check_run_id}" }, true],
    [{ method: "GET", url: "/repos/{owner}/{repo}" }, false],
    [{ method: "POST", url: "/app/installations/{installation_id}/access_tokens" }, false],
    [{ method: "POST", url: "/app/hook/deliveries/{delivery_id}/attempts" }, false],
  ])("isContentCreating(%j) is %s", (request, expected) => {
    expect(isContentCreating(request)).toBe(expected);
  });
});

describe("ProbotOctokit throttling (as the app uses it)", () => {
  beforeAll(() => nock.disableNetConnect());

  it("honours retry-after on a secondary rate limit and then succeeds", async () => {
    const octokit = new ProbotOctokit({
      auth: { appId: 1, privateKey, installationId: 5 },
      retry: { enabled: false },
    });
    const stamps: number[] = [];
    nock("https://api.github.com")
      .post("/app/installations/5/access_tokens")
      .reply(201, { token: "ghs_installation_token_value_0123456789", expires_at: "2099-01-01T00:00:00Z" })
      .post("/repos/o/r/issues/1/comments")
      .reply(
        403,
        () => {
          stamps.push(Date.now());
          return {
            message:
              "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          };
        },
        { "retry-after": "1" },
      )
      .post("/repos/o/r/issues/1/comments")
      .reply(201, () => {
        stamps.push(Date.now());
        return { id: 9 };
      });

    const response = await octokit.rest.issues.createComment({
      owner: "o",
      repo: "r",
      issue_number: 1,
      body: "x",
    });

    expect(response.status).toBe(201);
    expect(stamps).toHaveLength(2);
    expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(950);
    nock.cleanAll();
  });
});

describe("withWriteSpacing (per-process token bucket)", () => {
  beforeAll(() => nock.disableNetConnect());

  it("sends a burst of comments at once, where Octokit alone spaces them 3 s apart, then one per interval", async () => {
    const Spaced = withWriteSpacing(ProbotOctokit, { burst: 3, intervalMs: 400 });
    const octokit = new Spaced({
      auth: { token: "ghs_x" },
      throttle: { id: "9" },
      retry: { enabled: false },
    });
    const stamps: number[] = [];
    nock("https://api.github.com")
      .post(/\/repos\/o\/r\/issues\/\d+\/comments/)
      .times(4)
      .reply(201, () => {
        stamps.push(Date.now());
        return { id: 1 };
      });

    const started = Date.now();
    for (let issue = 1; issue <= 4; issue += 1)
      await octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: issue, body: "x" });

    expect(stamps[2]! - started).toBeLessThan(1_000);
    expect(stamps[3]! - started).toBeGreaterThanOrEqual(150);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
