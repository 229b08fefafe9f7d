import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { withWriteSpacing } from "../../src/github/with-write-spacing.ts";
import { createSharedWriteCap } from "../../src/reliability/shared-write-cap.ts";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;
const log = pino({ level: "silent" });

describe("shared write cap", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  it("lets requests through when Redis fails", async () => {
    const broken = { eval: () => Promise.reject(new Error("ECONNREFUSED")) };
    const Limited = withWriteSpacing(
      ProbotOctokit,
      { burst: 1, intervalMs: 1_000 },
      createSharedWriteCap({ redis: broken, log }),
    );
    const octokit = new Limited({
      auth: { token: "ghs_x" },
      throttle: { id: "3" },
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

describe("withWriteSpacing and the shared cap", () => {
  beforeAll(() => nock.disableNetConnect());

  it("writes waiting for the shared cap never hold up the installation's reads", async () => {
    // A test double for the cap: it holds every write until released (other processes used the
    // installation's writes). Eleven writes wait: more than Octokit's 10 concurrent requests per
    // installation, so a cap awaited inside a request slot would leave the read no slot.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cap = { acquire: () => gate };
    const Limited = withWriteSpacing(ProbotOctokit, { burst: 20, intervalMs: 1_000 }, cap);
    const octokit = new Limited({
      auth: { token: "ghs_x" },
      throttle: { id: "5" },
      retry: { enabled: false },
    });
    nock("https://api.github.com")
      .post(/\/repos\/o\/r\/issues\/\d+\/comments/)
      .times(11)
      .reply(201, { id: 1 })
      .get("/repos/o/r")
      .reply(200, {});

    const writes = Array.from({ length: 11 }, (_, issue) =>
      octokit.rest.issues.createComment({ owner: "o", repo: "r", issue_number: issue, body: "x" }),
    );
    const read = await Promise.race([
      octokit.rest.repos.get({ owner: "o", repo: "r" }).then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("held"), 2_000)),
    ]);
    release();
    await Promise.all(writes);

    expect(read).toBe("answered");
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("withWriteSpacing keys its limits by installation", () => {
  beforeAll(() => nock.disableNetConnect());

  it("a webhook's Octokit (installation in its auth, no throttle id) does not share one bucket with other installations", async () => {
    // Probot builds a webhook's context.octokit from the app's options plus the installation in
    // `auth`, leaving throttle.id at the app's default; keyed by that, every installation's writes
    // would wait for each other.
    const Limited = withWriteSpacing(ProbotOctokit, { burst: 1, intervalMs: 10_000 });
    const client = (installationId: number) =>
      new Limited({ auth: { appId: 1, privateKey, installationId }, retry: { enabled: false } });
    const scope = nock("https://api.github.com");
    for (const installation of [11, 12])
      scope.post(`/app/installations/${installation}/access_tokens`).reply(201, {
        token: `ghs_installation_token_${installation}_0123456789abcdef`,
        expires_at: "2099-01-01T00:00:00Z",
      });
    scope
      .post(/\/repos\/o\/r\/issues\/\d+\/comments/)
      .times(2)
      .reply(201, { id: 1 });

    const started = Date.now();
    await client(11).rest.issues.createComment({ owner: "o", repo: "r", issue_number: 1, body: "x" });
    await client(12).rest.issues.createComment({ owner: "o", repo: "r", issue_number: 2, body: "x" });

    expect(Date.now() - started).toBeLessThan(3_000);
    expect(scope.pendingMocks()).toEqual([]);
  });
});
