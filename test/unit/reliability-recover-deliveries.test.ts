import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPgliteDb } from "../../src/db/create-db.ts";
import type { Db } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { nextCursor } from "../../src/reliability/list-hook-deliveries.ts";
import {
  recoverFailedDeliveries,
  type RecoverDeliveriesDeps,
} from "../../src/reliability/recover-failed-deliveries.ts";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;
const NOW = new Date("2026-11-23T22:00:00Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

/** Test double for the four Redis commands the recovery uses (the lock is tested on real Redis). */
function memoryRedis() {
  const values = new Map<string, string>();
  return {
    values,
    get: (key: string) => Promise.resolve(values.get(key) ?? null),
    set: (key: string, value: string) => {
      values.set(key, value);
      return Promise.resolve("OK" as const);
    },
    incr: (key: string) => {
      const next = Number(values.get(key) ?? "0") + 1;
      values.set(key, String(next));
      return Promise.resolve(next);
    },
    pexpire: () => Promise.resolve(1 as const),
  };
}

function delivery(id: number, guid: string, minutes: number, status: "OK" | "failed", statusCode: number) {
  return {
    id,
    guid,
    delivered_at: minutesAgo(minutes),
    redelivery: false,
    duration: 0.1,
    status:
      status === "OK"
        ? "OK"
        : statusCode === 0
          ? "Failed to connect to host"
          : `Invalid HTTP Response: ${statusCode}`,
    status_code: statusCode,
    event: "issue_comment",
    action: "created",
    installation_id: 1,
    repository_id: 2,
  };
}

describe("recoverFailedDeliveries", () => {
  let db: Db;
  let redis: ReturnType<typeof memoryRedis>;
  let deps: RecoverDeliveriesDeps;
  const metrics = createMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    nock.disableNetConnect();
    db = createPgliteDb("memory://");
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
    nock.enableNetConnect();
  });
  beforeEach(async () => {
    await db.deleteFrom("webhook_deliveries").execute();
    redis = memoryRedis();
    deps = {
      appClient: () =>
        Promise.resolve(
          new ProbotOctokit({
            auth: { appId: 123, privateKey },
            throttle: { enabled: false },
            retry: { enabled: false },
          }),
        ),
      db,
      redis,
      log: pino({ level: "silent" }),
      metrics,
      keyPrefix: "test:webhook-recovery",
    };
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  it("redelivers failed deliveries that were never recorded, as the App, across pages", async () => {
    await db
      .insertInto("webhook_deliveries")
      .values({ delivery_id: "g-recorded", event: "issue_comment" })
      .execute();
    const api = nock("https://api.github.com", { reqheaders: { authorization: /^bearer eyJ/i } })
      .get("/app/hook/deliveries")
      .query({ per_page: 100 })
      .reply(
        200,
        [
          delivery(11, "g-down", 5, "failed", 0),
          delivery(10, "g-later-ok", 6, "OK", 200),
          delivery(9, "g-recorded", 7, "failed", 502),
        ],
        { link: '<https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_9>; rel="next"' },
      )
      .get("/app/hook/deliveries")
      .query({ per_page: 100, cursor: "v1_9" })
      .reply(200, [
        delivery(8, "g-later-ok", 8, "failed", 500),
        delivery(7, "g-error", 9, "failed", 500),
        delivery(6, "g-too-old", 5000, "failed", 0),
      ])
      .post("/app/hook/deliveries/11/attempts")
      .reply(202, {})
      .post("/app/hook/deliveries/7/attempts")
      .reply(202, {});

    const result = await recoverFailedDeliveries(deps, { now: NOW });

    expect(api.isDone()).toBe(true);
    expect(result.redelivered.sort()).toEqual(["g-down", "g-error"]);
    expect(result.skipped).toEqual([{ guid: "g-recorded", reason: "recorded" }]);
    expect(result.checked).toBe(5);
    expect(redis.values.get("test:webhook-recovery:last-check")).toBe(NOW.toISOString());
    expect(await metrics.registry.metrics()).toMatch(
      /cloud_agent_webhook_redeliveries_total\{outcome="requested"\} [1-9]/,
    );
  });

  it("looks back only to the last check and skips a run another replica just did", async () => {
    redis.values.set("test:webhook-recovery:last-check", minutesAgo(20));
    nock("https://api.github.com")
      .get("/app/hook/deliveries")
      .query(true)
      .reply(200, [delivery(3, "g-new", 2, "failed", 503), delivery(2, "g-before-check", 40, "failed", 0)])
      .post("/app/hook/deliveries/3/attempts")
      .reply(202, {});

    const first = await recoverFailedDeliveries(deps, { now: NOW, minIntervalMs: 10 * 60_000 });
    const second = await recoverFailedDeliveries(deps, {
      now: new Date(NOW.getTime() + 60_000),
      minIntervalMs: 10 * 60_000,
    });

    expect(first.redelivered).toEqual(["g-new"]);
    expect(second.skippedRun).toBe(true);
  });

  it("gives up on a delivery after the redelivery budget", async () => {
    for (let run = 0; run < 3; run += 1) {
      nock("https://api.github.com")
        .get("/app/hook/deliveries")
        .query(true)
        .reply(200, [delivery(5, "g-refused", 1, "failed", 400)]);
    }
    nock("https://api.github.com").post("/app/hook/deliveries/5/attempts").times(2).reply(202, {});

    const runs = [];
    for (let run = 0; run < 3; run += 1)
      runs.push(await recoverFailedDeliveries(deps, { now: NOW, maxRedeliveries: 2 }));

    expect(runs.map((run) => run.redelivered.length)).toEqual([1, 1, 0]);
    expect(runs[2]?.skipped).toEqual([{ guid: "g-refused", reason: "gave_up" }]);
  });

  it("keeps the last-check mark when the listing was cut at the page cap", async () => {
    redis.values.set("test:webhook-recovery:last-check", minutesAgo(30));
    nock("https://api.github.com")
      .get("/app/hook/deliveries")
      .query(true)
      .reply(200, [delivery(4, "g-ok", 1, "OK", 200)], {
        link: '<https://api.github.com/app/hook/deliveries?cursor=v1_4>; rel="next"',
      });

    const result = await recoverFailedDeliveries(deps, { now: NOW, maxPages: 1 });

    expect(result.redelivered).toEqual([]);
    expect(redis.values.get("test:webhook-recovery:last-check")).toBe(minutesAgo(30));
  });

  it("reports a failed redelivery request and goes on", async () => {
    nock("https://api.github.com")
      .get("/app/hook/deliveries")
      .query(true)
      .reply(200, [delivery(21, "g-a", 1, "failed", 0), delivery(20, "g-b", 2, "failed", 0)])
      .post("/app/hook/deliveries/21/attempts")
      .reply(422, { message: "Validation Failed" })
      .post("/app/hook/deliveries/20/attempts")
      .reply(202, {});

    const result = await recoverFailedDeliveries(deps, { now: NOW });

    expect(result.redelivered).toEqual(["g-b"]);
  });

  it.each([
    ['<https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_123>; rel="next"', "v1_123"],
    ['<https://api.github.com/x?cursor=a>; rel="prev", <https://api.github.com/x?cursor=b>; rel="next"', "b"],
    ['<https://api.github.com/x?cursor=a>; rel="prev"', undefined],
    [undefined, undefined],
  ])("nextCursor(%s)", (link, expected) => {
    expect(nextCursor(link)).toBe(expected);
  });
});
