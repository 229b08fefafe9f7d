import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.ts";
import type { SandboxProvider } from "../sandbox/sandbox.ts";
import type { LiveSandbox } from "../tasks/task.repository.ts";
import type { TaskService } from "../tasks/task.service.ts";

export interface SweepSandboxesDeps {
  readonly tasks: Pick<TaskService, "listLiveSandboxes" | "markSandboxDestroyed">;
  readonly sandboxes: SandboxProvider;
  readonly log: Logger;
  readonly metrics?: Pick<Metrics, "sandboxesSwept">;
}

/** A sandbox is in use only while its task runs the attempt that created it. */
export function isOrphan(sandbox: LiveSandbox): boolean {
  return sandbox.task_status !== "running" || sandbox.task_attempt !== sandbox.attempt;
}

/**
 * Destroys every recorded sandbox that no live attempt owns: its task finished, was deleted, or
 * moved on to a later attempt (a crashed worker's sandbox). Sandboxes younger than `minAgeMs` are
 * left alone, so a sandbox recorded a moment before its attempt's status lands is never touched.
 * Idempotent: replicas may sweep at the same time.
 */
export async function sweepSandboxes(
  deps: SweepSandboxesDeps,
  options: { minAgeMs: number; now?: Date },
): Promise<{ destroyed: string[]; failed: string[] }> {
  const now = options.now ?? new Date();
  // 1. Candidates: not destroyed, old enough, owned by this provider (novita ids mean nothing to local).
  const live = await deps.tasks.listLiveSandboxes({
    createdBefore: new Date(now.getTime() - options.minAgeMs),
  });
  const orphans = live.filter((sandbox) => isOrphan(sandbox) && sandbox.provider === deps.sandboxes.name);
  const destroyed: string[] = [];
  const failed: string[] = [];
  for (const sandbox of orphans) {
    // 2. Destroy first, record second: a crash in between only means destroying it again next time.
    try {
      await deps.sandboxes.destroyById(sandbox.id);
      await deps.tasks.markSandboxDestroyed(sandbox.id);
      destroyed.push(sandbox.id);
      deps.log.info(
        {
          sandboxId: sandbox.id,
          taskId: sandbox.task_id,
          attempt: sandbox.attempt,
          taskStatus: sandbox.task_status,
        },
        "Orphaned sandbox destroyed",
      );
    } catch (error) {
      failed.push(sandbox.id);
      deps.log.warn(
        { err: error, sandboxId: sandbox.id, taskId: sandbox.task_id },
        "Orphaned sandbox not destroyed",
      );
    }
  }
  // 3. Count them, so a leak (or a sweep that keeps failing) shows on /metrics.
  if (destroyed.length > 0) deps.metrics?.sandboxesSwept(destroyed.length);
  return { destroyed, failed };
}
