import { Redis } from "ioredis";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { githubWriteLimitPlugin } from "../../src/reliability/github-write-limit-plugin.ts";
import { silentLogger, TEST_REDIS_URL, uniqueQueueName } from "../support/test-deps.ts";

const redis = new Redis(TEST_REDIS_URL);
const log = silentLogger();

/** Two Octokit instances writing for one installation stand for two processes sharing Redis. */
function clients(options: { burst: number; intervalMs: number }) {
  const keyPrefix = uniqueQueueName("write-limit");
  const Limited = ProbotOctokit.plugin(githubWriteLimitPlugin({ redis, log, keyPrefix, ...options }));
  return [1, 2].map(
    () =>
      new Limited({
        auth: { token: "ghs_x" },
        throttle: { enabled: false, id: "77" },
        retry: { enabled: false },
      }),
  );
}

function comment(client: InstanceType<typeof ProbotOctokit>, issue: number) {
  return client.rest.issues.createComment({ owner: "o", repo: "r", issue_number: issue, body: "x" });
}

describe("githubWriteLimitPlugin on Redis (token bucket per installation)", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => redis.quit());

  it("lets a burst through at once, then one write per interval, across instances", async () => {
    const [first, second] = clients({ burst: 3, intervalMs: 300 });
    const stamps: number[] = [];
    nock("https://api.github.com")
      .post(/\/repos\/o\/r\/issues\/\d+\/comments/)
      .times(7)
      .reply(201, () => {
        stamps.push(Date.now());
        return { id: 1 };
      })
      .get("/repos/o/r")
      .times(4)
      .reply(200, {});

    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 7 }, (_, index) => comment(index % 2 === 0 ? first! : second!, index)),
      // Reads are never held.
      ...Array.from({ length: 4 }, () => first!.rest.repos.get({ owner: "o", repo: "r" })),
    ]);

    stamps.sort((a, b) => a - b);
    const offsets = stamps.map((stamp) => stamp - started);
    // The burst of 3 goes out at once; the other 4 need 4 more intervals (≥ 1.2 s in all).
    expect(offsets[2]).toBeLessThan(250);
    expect(offsets[6]).toBeGreaterThanOrEqual(1_150);
    // No span of one interval ever holds more than the burst plus one write.
    for (let i = 0; i + 4 < stamps.length; i += 1)
      expect(stamps[i + 4]! - stamps[i]!).toBeGreaterThanOrEqual(250);
  });

  it("keeps installations apart: one installation's backlog does not hold another's writes", async () => {
    const keyPrefix = uniqueQueueName("write-limit");
    const Limited = ProbotOctokit.plugin(
      githubWriteLimitPlugin({ redis, log, keyPrefix, burst: 1, intervalMs: 2_000 }),
    );
    const busy = new Limited({
      auth: { token: "ghs_x" },
      throttle: { enabled: false, id: "1" },
      retry: { enabled: false },
    });
    const other = new Limited({
      auth: { token: "ghs_y" },
      throttle: { enabled: false, id: "2" },
      retry: { enabled: false },
    });
    nock("https://api.github.com")
      .post(/\/repos\/o\/r\/issues\/\d+\/comments/)
      .times(3)
      .reply(201, { id: 1 });

    await comment(busy, 1);
    const held = comment(busy, 2);
    const started = Date.now();
    await comment(other, 3);
    const otherMs = Date.now() - started;
    await held;

    expect(otherMs).toBeLessThan(1_000);
  });
});
