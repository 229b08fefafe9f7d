import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Prometheus metrics for one process. createMetrics() is called once in the composition root (no
 * global default registry); other modules get the returned object and call its small recording
 * functions. Collectors that read Postgres or Redis at scrape time are attached with
 * observeTaskCounts / observeQueue (observability/metrics-collectors.ts).
 */

export type FinishedStatus = "completed" | "failed" | "cancelled";

export interface GithubRequestSample {
  readonly method: string;
  /** The route template ("/repos/{owner}/{repo}/issues/{issue_number}/comments"), never a filled URL. */
  readonly route: string;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly durationMs: number;
  readonly rateLimitRemaining?: number | undefined;
  readonly rateLimitResource?: string | undefined;
}

export interface Metrics {
  readonly registry: Registry;
  /** A worker picked a task up; `waitMs` is the time it waited in the queue. */
  taskStarted(waitMs: number): void;
  /** A task reached a final state; `durationMs` from first pick-up (or creation) to the end. */
  taskFinished(status: FinishedStatus, durationMs: number): void;
  /** An attempt failed and will be retried. */
  taskRetried(code: string): void;
  /** A worker lost a job lock and aborted the attempt. */
  lockLost(): void;
  sandboxCreated(provider: string, durationMs: number, outcome: "ok" | "error"): void;
  /** Sandboxes the periodic sweep destroyed. */
  sandboxesSwept(count: number): void;
  githubRequest(sample: GithubRequestSample): void;
  /** A webhook delivery was answered; `outcome` is e.g. accepted | duplicate | ignored | rejected. */
  webhookAcked(event: string, durationMs: number, outcome: string): void;
  /** Failed-delivery recovery asked GitHub to redeliver (requested) or could not (failed). */
  webhookRedelivery(outcome: "requested" | "failed"): void;
  /** A scrape-time collector failed (database or Redis down); the scrape still answers. */
  collectorFailed(collector: string): void;
}

const PREFIX = "cloud_agent_";

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];

  const queueWait = new Histogram({
    name: `${PREFIX}queue_wait_seconds`,
    help: "Time a task waited in the queue before a worker picked it up",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers,
  });
  const tasksFinished = new Counter({
    name: `${PREFIX}tasks_finished_total`,
    help: "Tasks that reached a final state, by status",
    labelNames: ["status"],
    registers,
  });
  const taskDuration = new Histogram({
    name: `${PREFIX}task_duration_seconds`,
    help: "Wall-clock time from pick-up to final state, by final status",
    labelNames: ["status"],
    buckets: [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
    registers,
  });
  const retries = new Counter({
    name: `${PREFIX}task_retries_total`,
    help: "Task attempts that failed and were retried, by failure code",
    labelNames: ["code"],
    registers,
  });
  const lostLocks = new Counter({
    name: `${PREFIX}job_locks_lost_total`,
    help: "Attempts aborted because the worker lost its job lock",
    registers,
  });
  const sandboxCreate = new Histogram({
    name: `${PREFIX}sandbox_create_seconds`,
    help: "Time to create a sandbox, by provider and outcome",
    labelNames: ["provider", "outcome"],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
    registers,
  });
  const swept = new Counter({
    name: `${PREFIX}sandboxes_swept_total`,
    help: "Sandboxes destroyed by the periodic sweep (no live task)",
    registers,
  });
  const githubCalls = new Counter({
    name: `${PREFIX}github_api_requests_total`,
    help: "GitHub REST calls, by method, route template and status",
    labelNames: ["method", "route", "status"],
    registers,
  });
  const githubDuration = new Histogram({
    name: `${PREFIX}github_api_request_seconds`,
    help: "GitHub REST call latency",
    labelNames: ["method"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const rateLimit = new Gauge({
    name: `${PREFIX}github_rate_limit_remaining`,
    help: "x-ratelimit-remaining from the latest GitHub response, by rate limit resource",
    labelNames: ["resource"],
    registers,
  });
  const webhookAck = new Histogram({
    name: `${PREFIX}webhook_ack_seconds`,
    help: "Time from receiving a webhook delivery to answering it, by event and outcome",
    labelNames: ["event", "outcome"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const redeliveries = new Counter({
    name: `${PREFIX}webhook_redeliveries_total`,
    help: "Failed webhook deliveries this service asked GitHub to redeliver, by outcome",
    labelNames: ["outcome"],
    registers,
  });
  const collectorErrors = new Counter({
    name: `${PREFIX}metrics_collect_errors_total`,
    help: "Scrape-time collectors that failed (database or Redis unreachable)",
    labelNames: ["collector"],
    registers,
  });

  const seconds = (ms: number) => Math.max(0, ms) / 1000;

  return {
    registry,
    taskStarted: (waitMs) => queueWait.observe(seconds(waitMs)),
    taskFinished: (status, durationMs) => {
      tasksFinished.inc({ status });
      taskDuration.observe({ status }, seconds(durationMs));
    },
    taskRetried: (code) => retries.inc({ code }),
    lockLost: () => lostLocks.inc(),
    sandboxCreated: (provider, durationMs, outcome) =>
      sandboxCreate.observe({ provider, outcome }, seconds(durationMs)),
    sandboxesSwept: (count) => swept.inc(count),
    githubRequest: (sample) => {
      githubCalls.inc({ method: sample.method, route: sample.route, status: String(sample.status) });
      githubDuration.observe({ method: sample.method }, seconds(sample.durationMs));
      if (sample.rateLimitRemaining !== undefined && Number.isFinite(sample.rateLimitRemaining)) {
        rateLimit.set({ resource: sample.rateLimitResource ?? "core" }, sample.rateLimitRemaining);
      }
    },
    webhookAcked: (event, durationMs, outcome) => webhookAck.observe({ event, outcome }, seconds(durationMs)),
    webhookRedelivery: (outcome) => redeliveries.inc({ outcome }),
    collectorFailed: (collector) => collectorErrors.inc({ collector }),
  };
}
