import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Hono } from "hono";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../../src/observability/metrics.ts";
import { observeQueue } from "../../src/observability/metrics-collectors.ts";
import { createQueueDashboard } from "../../src/observability/queue-dashboard.ts";

// Real Redis: the bull-board dashboard and the queue gauges read a real BullMQ queue.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN_KEY = "admin-key-for-dashboard-test";

/** Mounted as the web app mounts it. */
function mount(queue: Queue): Hono {
  return new Hono().route(
    "/admin/queues",
    createQueueDashboard({ queues: [queue], adminKeys: () => [ADMIN_KEY] }),
  );
}

describe("queue dashboard and queue metrics", () => {
  const name = `obs-dashboard-${randomUUID()}`;
  let connection: Redis;
  let queue: Queue;

  beforeAll(async () => {
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(name, { connection });
    await queue.add("task", { taskId: randomUUID() }, { jobId: "job-a" });
    await queue.add("task", { taskId: randomUUID() }, { jobId: "job-b", delay: 60_000 });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it("refuses the dashboard and its API without the admin key", async () => {
    const app = mount(queue);

    const page = await app.request("/admin/queues");
    const api = await app.request("/admin/queues/api/queues");
    const wrong = await app.request("/admin/queues/api/queues", {
      headers: { authorization: "Bearer nope" },
    });

    expect(page.status).toBe(401);
    expect(page.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect(api.status).toBe(401);
    expect(wrong.status).toBe(401);
  });

  it("serves the dashboard page and lists the queue's jobs with the key", async () => {
    const app = mount(queue);
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString("base64")}`;

    const page = await app.request("/admin/queues", { headers: { authorization: basic } });
    const html = await page.text();
    // The page loads its scripts relative to <base href="/admin/queues/">.
    const script = /src="(static\/js\/main[^"]*\.js)"/.exec(html)?.[1];
    const asset = await app.request(`/admin/queues/${script}`, { headers: { authorization: basic } });
    const api = await app.request(`/admin/queues/api/queues?activeQueue=${name}&status=latest&page=1`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });

    expect(page.status).toBe(200);
    expect(script).toBeDefined();
    expect(asset.status).toBe(200);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string; counts: Record<string, number> }> };
    const listed = body.queues.find((entry) => entry.name === name);
    expect(listed?.counts).toMatchObject({ waiting: 1, delayed: 1 });
  });

  it("exports the queue's job counts and oldest wait", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    observeQueue(metrics, queue);

    const text = await metrics.registry.metrics();

    expect(text).toContain(`cloud_agent_queue_jobs{queue="${name}",state="waiting"} 1`);
    expect(text).toContain(`cloud_agent_queue_jobs{queue="${name}",state="delayed"} 1`);
    expect(text).toMatch(new RegExp(`cloud_agent_queue_oldest_wait_seconds\\{queue="${name}"\\} [\\d.e-]+`));
  });
});
