import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  githubWriteLimitPlugin,
  isContentCreating,
} from "../../src/reliability/github-write-limit-plugin.ts";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;
const log = pino({ level: "silent" });

/** Test double for INCR/PEXPIRE (shared by every Octokit, as Redis is shared by every process). */
function memoryCounter() {
  const counts = new Map<string, number>();
  return {
    incr: (key: string) => {
      const next = (counts.get(key) ?? 0) + 1;
      counts.set(key, next);
      return Promise.resolve(next);
    },
    pexpire: () => Promise.resolve(1 as const),
  };
}

describe("githubWriteLimitPlugin", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  it("holds writes per installation to the window limit across Octokit instances", async () => {
    const redis = memoryCounter();
    const Limited = ProbotOctokit.plugin(githubWriteLimitPlugin({ redis, log, limit: 2, windowMs: 1000 }));
    // Two instances for the same installation: two processes writing for one installation.
    const clients = [1, 2].map(
      () =>
        new Limited({
          auth: { token: "ghs_x" },
          throttle: { enabled: false, id: "77" },
          retry: { enabled: false },
        }),
    );
    const stamps: number[] = [];
    nock("https://api.github.com")
      .post(/\/repos\/o\/r\/issues\/\d+\/comments/)
      .times(6)
      .reply(201, () => {
        stamps.push(Date.now());
        return { id: 1 };
      })
      .get("/repos/o/r")
      .times(4)
      .reply(200, {});

    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 6 }, (_, index) =>
        clients[index % 2]!.rest.issues.createComment({
          owner: "o",
          repo: "r",
          issue_number: index,
          body: "x",
        }),
      ),
      ...Array.from({ length: 4 }, () => clients[0]!.rest.repos.get({ owner: "o", repo: "r" })),
    ]);

    // Fixed windows: any span of one window holds at most 2 × limit writes (250 ms allowed for transit on a busy machine).
    stamps.sort((a, b) => a - b);
    for (let i = 0; i + 4 < stamps.length; i += 1)
      expect(stamps[i + 4]! - stamps[i]!).toBeGreaterThanOrEqual(750);
    expect(stamps[5]! - stamps[0]!).toBeGreaterThanOrEqual(750);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("lets requests through when Redis fails", async () => {
    const broken = {
      incr: () => Promise.reject(new Error("ECONNREFUSED")),
      pexpire: () => Promise.resolve(0 as const),
    };
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
