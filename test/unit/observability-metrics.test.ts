import { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { githubMetricsPlugin, routeTemplate } from "../../src/observability/github-metrics-plugin.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { observeQueue, observeTaskCounts } from "../../src/observability/metrics-collectors.ts";
import { createMetricsRoute } from "../../src/observability/metrics-route.ts";

async function scrape(metrics: ReturnType<typeof createMetrics>): Promise<string> {
  return metrics.registry.metrics();
}

describe("metrics", () => {
  it("records tasks, queue wait, sandboxes, webhooks and redeliveries", async () => {
    const metrics = createMetrics({ defaultMetrics: false });

    metrics.taskStarted(1500);
    metrics.taskFinished("completed", 42_000);
    metrics.taskFinished("failed", 3_000);
    metrics.taskRetried("sandbox_start_failed");
    metrics.lockLost();
    metrics.sandboxCreated("local", 800, "ok");
    metrics.sandboxesSwept(3);
    metrics.webhookAcked("issue_comment", 12, "accepted");
    metrics.webhookRedelivery("requested");
    const text = await scrape(metrics);

    expect(text).toContain('cloud_agent_tasks_finished_total{status="completed"} 1');
    expect(text).toContain('cloud_agent_tasks_finished_total{status="failed"} 1');
    expect(text).toContain('cloud_agent_task_duration_seconds_bucket{le="60",status="completed"} 1');
    expect(text).toContain('cloud_agent_task_duration_seconds_bucket{le="30",status="completed"} 0');
    expect(text).toContain("cloud_agent_queue_wait_seconds_sum 1.5");
    expect(text).toContain('cloud_agent_task_retries_total{code="sandbox_start_failed"} 1');
    expect(text).toContain("cloud_agent_job_locks_lost_total 1");
    expect(text).toContain('cloud_agent_sandbox_create_seconds_count{provider="local",outcome="ok"} 1');
    expect(text).toContain("cloud_agent_sandboxes_swept_total 3");
    expect(text).toContain(
      'cloud_agent_webhook_ack_seconds_count{event="issue_comment",outcome="accepted"} 1',
    );
    expect(text).toContain('cloud_agent_webhook_redeliveries_total{outcome="requested"} 1');
  });

  it("keeps registries apart and adds process metrics by default", async () => {
    const one = createMetrics();
    const two = createMetrics();

    one.lockLost();

    expect(await scrape(one)).toContain("cloud_agent_job_locks_lost_total 1");
    expect(await scrape(two)).toContain("cloud_agent_job_locks_lost_total 0");
    expect(await scrape(two)).toContain("cloud_agent_process_cpu_user_seconds_total");
  });

  it("reads task counts and queue state at scrape time", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const now = Date.now();
    observeTaskCounts(metrics, () => Promise.resolve({ pending: 1, queued: 4, running: 2 }));
    observeQueue(metrics, {
      name: "tasks",
      getJobCounts: () => Promise.resolve({ waiting: 4, active: 2, delayed: 1, failed: 0 }),
      getJobs: () => Promise.resolve([{ timestamp: now - 30_000 }]),
    });

    const text = await scrape(metrics);

    expect(text).toContain('cloud_agent_tasks{status="queued"} 4');
    expect(text).toContain('cloud_agent_tasks{status="running"} 2');
    expect(text).toContain('cloud_agent_queue_jobs{queue="tasks",state="waiting"} 4');
    const oldest = /cloud_agent_queue_oldest_wait_seconds\{queue="tasks"\} ([\d.]+)/.exec(text);
    expect(Number(oldest?.[1])).toBeGreaterThanOrEqual(30);
    expect(Number(oldest?.[1])).toBeLessThan(40);
  });

  it("still answers a scrape when Postgres and Redis are down", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    observeTaskCounts(metrics, () => Promise.reject(new Error("connection refused")));
    observeQueue(metrics, {
      name: "tasks",
      getJobCounts: () => new Promise(() => undefined),
      getJobs: () => Promise.reject(new Error("ECONNREFUSED")),
    });

    const first = await scrape(metrics);
    const second = await scrape(metrics);

    expect(first).toContain("cloud_agent_queue_wait_seconds_count 0");
    // The error counter is written before the gauges collect, so a failure shows on the next scrape.
    const text = second;
    expect(text).toContain('cloud_agent_metrics_collect_errors_total{collector="tasks"} 1');
    expect(text).toContain('cloud_agent_metrics_collect_errors_total{collector="queue"} 2');
  }, 15_000);
});

describe("GET /metrics", () => {
  const metrics = createMetrics({ defaultMetrics: false });
  const app = createMetricsRoute(metrics, { tokens: () => ["metrics-token-0123456789"] });

  it.each([
    ["no header", undefined],
    ["wrong bearer", "Bearer metrics-token-wrong"],
    ["wrong scheme", "token metrics-token-0123456789"],
    ["prefix of the key", "Bearer metrics-token"],
  ])("refuses %s with 401", async (_name, authorization) => {
    const response = await app.request(
      "/",
      authorization === undefined ? {} : { headers: { authorization } },
    );

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it.each([
    ["bearer", "Bearer metrics-token-0123456789"],
    ["basic", `Basic ${Buffer.from("prometheus:metrics-token-0123456789").toString("base64")}`],
  ])("serves Prometheus text with %s auth", async (_name, authorization) => {
    metrics.lockLost();

    const response = await app.request("/", { headers: { authorization } });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(await response.text()).toMatch(/cloud_agent_job_locks_lost_total \d/);
  });
});

describe("githubMetricsPlugin", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.isDone()).toBe(true);
    nock.cleanAll();
  });

  it("counts calls by route template and records the rate limit left", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const MeteredOctokit = Octokit.plugin(githubMetricsPlugin(metrics));
    const octokit = new MeteredOctokit({ auth: "ghs_test", request: { retries: 0 } });
    nock("https://api.github.com")
      .post("/repos/octo/repo/issues/12/comments")
      .reply(201, { id: 1 }, { "x-ratelimit-remaining": "4990", "x-ratelimit-resource": "core" })
      .get("/repos/octo/repo/pulls")
      .query(true)
      .reply(
        404,
        { message: "Not Found" },
        { "x-ratelimit-remaining": "4989", "x-ratelimit-resource": "core" },
      );

    await octokit.rest.issues.createComment({ owner: "octo", repo: "repo", issue_number: 12, body: "hi" });
    await expect(octokit.rest.pulls.list({ owner: "octo", repo: "repo", head: "octo:x" })).rejects.toThrow();
    const text = await scrape(metrics);

    expect(text).toContain(
      'cloud_agent_github_api_requests_total{method="POST",route="/repos/{owner}/{repo}/issues/{issue_number}/comments",status="201"} 1',
    );
    expect(text).toContain(
      'cloud_agent_github_api_requests_total{method="GET",route="/repos/{owner}/{repo}/pulls",status="404"} 1',
    );
    expect(text).toContain('cloud_agent_github_rate_limit_remaining{resource="core"} 4989');
  });

  it.each([
    ["/repos/{owner}/{repo}/check-runs", "/repos/{owner}/{repo}/check-runs"],
    [
      "https://api.github.com/repos/o/r/issues/12/comments?page=2",
      "/repos/{owner}/{repo}/issues/{id}/comments",
    ],
    ["/app/hook/deliveries/123456/attempts", "/app/hook/deliveries/{id}/attempts"],
    ["/users/mona/installation", "/users/{name}/installation"],
  ])("routeTemplate(%s)", (url, expected) => {
    expect(routeTemplate(url)).toBe(expected);
  });
});
