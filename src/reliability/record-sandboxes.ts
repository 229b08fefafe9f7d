import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.ts";
import type { Sandbox, SandboxProvider } from "../sandbox/sandbox.ts";
import type { TaskService } from "../tasks/task.service.ts";

type SandboxRecords = Pick<
  TaskService,
  "getTask" | "recordSandbox" | "markSandboxDestroyed" | "listLiveSandboxes"
>;

/**
 * Wraps the sandbox provider so every sandbox is recorded in the `sandboxes` table with its task
 * and attempt (so the sweep can find what a crashed worker left), a new attempt first destroys the
 * sandboxes earlier attempts of the same task left running, and a destroy is recorded. Also times
 * sandbox creation for /metrics. Record keeping never fails a task: errors are logged.
 */
export function recordSandboxes(
  provider: SandboxProvider,
  deps: { tasks: SandboxRecords; log: Logger; metrics?: Pick<Metrics, "sandboxCreated"> },
): SandboxProvider {
  const log = deps.log.child({ component: "sandbox-records" });

  async function destroyEarlier(taskId: string, attempt: number): Promise<void> {
    const earlier = await deps.tasks.listLiveSandboxes({ taskId });
    for (const sandbox of earlier) {
      if (sandbox.attempt >= attempt || sandbox.provider !== provider.name) continue;
      await provider.destroyById(sandbox.id);
      await deps.tasks.markSandboxDestroyed(sandbox.id);
      log.info(
        { taskId, sandboxId: sandbox.id, attempt: sandbox.attempt },
        "Earlier attempt's sandbox destroyed",
      );
    }
  }

  return {
    name: provider.name,
    async create(options) {
      const task = await deps.tasks.getTask(options.taskId).catch(() => undefined);
      if (task !== undefined) {
        await destroyEarlier(task.id, task.attempt).catch((error: unknown) =>
          log.warn({ err: error, taskId: task.id }, "Destroying an earlier sandbox failed"),
        );
      }
      const started = performance.now();
      let sandbox: Sandbox;
      try {
        sandbox = await provider.create(options);
      } catch (error) {
        deps.metrics?.sandboxCreated(provider.name, performance.now() - started, "error");
        throw error;
      }
      deps.metrics?.sandboxCreated(provider.name, performance.now() - started, "ok");
      if (task !== undefined) {
        await deps.tasks
          .recordSandbox({ id: sandbox.id, provider: provider.name, taskId: task.id, attempt: task.attempt })
          .catch((error: unknown) =>
            log.warn({ err: error, sandboxId: sandbox.id }, "Recording a sandbox failed"),
          );
      }
      return withRecordedDestroy(sandbox, () =>
        deps.tasks
          .markSandboxDestroyed(sandbox.id)
          .catch((error: unknown) =>
            log.warn({ err: error, sandboxId: sandbox.id }, "Recording a destroy failed"),
          ),
      );
    },
    async destroyById(id) {
      await provider.destroyById(id);
      await deps.tasks.markSandboxDestroyed(id);
    },
    async close() {
      await provider.close?.();
    },
  };
}

/** The same sandbox, whose destroy() also records the destroy. */
function withRecordedDestroy(sandbox: Sandbox, recorded: () => Promise<void>): Sandbox {
  return new Proxy(sandbox, {
    get(target, property) {
      if (property === "destroy") {
        return async () => {
          await target.destroy();
          await recorded();
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
