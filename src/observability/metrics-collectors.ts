import { Gauge } from "prom-client";
import type { Db } from "../db/database.ts";
import { createMetrics, type Metrics } from "./metrics.ts";

/**
 * Gauges read at scrape time. Each read is bounded by a short timeout and a failure only bumps
 * cloud_agent_metrics_collect_errors_total, so /metrics still answers while Postgres or Redis is down.
 */

const COLLECT_TIMEOUT_MS = 2_000;
const LIVE_STATUSES = ["pending", "queued", "running"] as const;
type LiveStatus = (typeof LIVE_STATUSES)[number];

/** The queue calls the collectors use (bullmq Queue has them). */
export interface QueueStats {
  readonly name: string;
  getJobCounts(
    ...types: Array<"waiting" | "active" | "delayed" | "prioritized" | "failed" | "completed">
  ): Promise<Record<string, number>>;
  getJobs(
    types: Array<"wait">,
    start?: number,
    end?: number,
    asc?: boolean,
  ): Promise<Array<{ timestamp: number; delay?: number } | undefined>>;
}

/** Tasks not yet final, by status: an index-backed count (final states are counters instead). */
export async function countLiveTasks(db: Db): Promise<Record<LiveStatus, number>> {
  const rows = await db
    .selectFrom("tasks")
    .select(["status", (eb) => eb.fn.countAll<string>().as("count")])
    .where("status", "in", LIVE_STATUSES)
    .groupBy("status")
    .execute();
  const counts: Record<LiveStatus, number> = { pending: 0, queued: 0, running: 0 };
  for (const row of rows) counts[row.status as LiveStatus] = Number(row.count);
  return counts;
}

export function observeTaskCounts(
  metrics: Metrics,
  count: () => Promise<Partial<Record<string, number>>>,
): void {
  new Gauge({
    name: "cloud_agent_tasks",
    help: "Tasks not yet finished, by status (read from Postgres at scrape time)",
    labelNames: ["status"],
    registers: [metrics.registry],
    async collect() {
      try {
        const counts = await withTimeout(count());
        for (const [status, value] of Object.entries(counts)) this.set({ status }, value ?? 0);
      } catch {
        metrics.collectorFailed("tasks");
      }
    },
  });
}

export function observeQueue(metrics: Metrics, queue: QueueStats): void {
  const registers = [metrics.registry];
  new Gauge({
    name: "cloud_agent_queue_jobs",
    help: "BullMQ jobs by state (waiting, active, delayed, prioritized, failed, completed)",
    labelNames: ["queue", "state"],
    registers,
    async collect() {
      try {
        const counts = await withTimeout(
          queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed", "completed"),
        );
        for (const [state, value] of Object.entries(counts)) this.set({ queue: queue.name, state }, value);
      } catch {
        metrics.collectorFailed("queue");
      }
    },
  });
  new Gauge({
    name: "cloud_agent_queue_oldest_wait_seconds",
    help: "Age of the oldest job still waiting for a worker (0 when none waits)",
    labelNames: ["queue"],
    registers,
    async collect() {
      try {
        const [first] = await withTimeout(queue.getJobs(["wait"], 0, 0, true));
        const since = first === undefined ? undefined : first.timestamp + (first.delay ?? 0);
        this.set({ queue: queue.name }, since === undefined ? 0 : Math.max(0, (Date.now() - since) / 1000));
      } catch {
        metrics.collectorFailed("queue");
      }
    },
  });
}

async function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error("metrics collector timed out")), COLLECT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The process's metrics with the scrape-time gauges of this database and queue attached. */
export function createServiceMetrics(db: Db, queue: QueueStats): Metrics {
  const metrics = createMetrics();
  observeTaskCounts(metrics, () => countLiveTasks(db));
  observeQueue(metrics, queue);
  return metrics;
}
