import { Redis } from "ioredis";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withWriteSpacing } from "../../src/github/with-write-spacing.ts";
import { createSharedWriteCap } from "../../src/reliability/shared-write-cap.ts";
import { silentLogger, TEST_REDIS_URL, uniqueQueueName } from "../support/test-deps.ts";

const redis = new Redis(TEST_REDIS_URL);
const log = silentLogger();

interface Bucket {
  burst: number;
  intervalMs: number;
}

/**
 * One "process": its own Octokit class (its own in-process bucket) with the shared cap on the real
 * Redis. Two of them with the same key prefix stand for two processes writing for one installation.
 */
function processClient(keyPrefix: string, bucket: Bucket, installation = "77") {
  const cap = createSharedWriteCap({ redis, log, keyPrefix, ...bucket });
  const Octokit = withWriteSpacing(ProbotOctokit, bucket, cap);
  return new Octokit({ auth: { token: "ghs_x" }, throttle: { id: installation }, retry: { enabled: false } });
}

function comment(client: InstanceType<typeof ProbotOctokit>, issue: number) {
  return client.rest.issues.createComment({ owner: "o", repo: "r", issue_number: issue, body: "x" });
}

describe("shared write cap on Redis (token bucket per installation, across processes)", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => redis.quit());

  it("lets a burst through at once, then one write per interval, across processes", async () => {
    const prefix = uniqueQueueName("write-cap");
    const bucket = { burst: 3, intervalMs: 300 };
    const first = processClient(prefix, bucket);
    const second = processClient(prefix, bucket);
    const stamps: number[] = [];
    nock("https://api.github.com")
      .post(/\/repos\/o\/r\/issues\/\d+\/comments/)
      .times(7)
      .reply(201, () => {
        stamps.push(Date.now());
        return { id: 1 };
      });

    const started = Date.now();
    await Promise.all(
      Array.from({ length: 7 }, (_, index) => comment(index % 2 === 0 ? first : second, index)),
    );

    stamps.sort((a, b) => a - b);
    // Each process alone would let 3 + 3 through at once; together they get the one shared burst of 3.
    expect(stamps[2]! - started).toBeLessThan(250);
    expect(stamps[6]! - started).toBeGreaterThanOrEqual(1_150);
    for (let i = 0; i + 4 < stamps.length; i += 1)
      expect(stamps[i + 4]! - stamps[i]!).toBeGreaterThanOrEqual(250);
  });

  it("keeps installations apart: one installation's backlog does not hold another's writes", async () => {
    const prefix = uniqueQueueName("write-cap");
    const bucket = { burst: 1, intervalMs: 2_000 };
    const busy = processClient(prefix, bucket, "1");
    const other = processClient(prefix, bucket, "2");
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
