import { sql } from "kysely";
import type { Logger } from "pino";
import type { Db } from "../db/database.ts";
import { startPeriodic } from "../reliability/start-periodic.ts";
import type { TaskQueue } from "./task-queue.ts";

export interface RequeueDeps {
  readonly db: Db;
  readonly queue: Pick<TaskQueue, "enqueue" | "queue">;
  readonly log: Logger;
}

/**
 * Postgres says queued but Redis has no job (the process died between the two writes, or Redis lost
 * its data): add the job again. Adding is idempotent (job id = task id), so replicas may overlap.
 * Returns the ids it re-queued.
 */
export async function requeueLostJobs(
  deps: RequeueDeps,
  options: { olderThanMs: number; limit?: number },
): Promise<string[]> {
  const rows = await deps.db
    .selectFrom("tasks")
    .select("id")
    .where("status", "=", "queued")
    .where(sql<boolean>`queued_at < now() - make_interval(secs => ${options.olderThanMs / 1000})`)
    .orderBy("queued_at")
    .limit(options.limit ?? 100)
    .execute();
  const requeued: string[] = [];
  for (const { id } of rows) {
    if ((await deps.queue.queue.getJob(id)) !== undefined) continue;
    await deps.queue.enqueue(id);
    requeued.push(id);
  }
  if (requeued.length > 0) deps.log.warn({ taskIds: requeued }, "Re-queued tasks whose job was missing");
  return requeued;
}

/** Runs requeueLostJobs every `intervalMs` (worker processes); errors are logged, never thrown. */
export function startLostJobRequeue(deps: RequeueDeps, intervalMs = 60_000): { stop(): Promise<void> } {
  return startPeriodic({
    name: "requeue-lost-jobs",
    intervalMs,
    runOnStart: false,
    log: deps.log,
    run: () => requeueLostJobs(deps, { olderThanMs: intervalMs }),
  });
}
