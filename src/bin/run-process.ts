import type { Deps } from "../deps.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { createHttpApp } from "../http/app.ts";
import { startHttpServer, type HttpServer } from "../http/server.ts";
import { startLostJobRequeue } from "../queue/requeue-lost-jobs.ts";
import { startTaskWorker } from "../queue/start-task-worker.ts";
import type { TaskWorker } from "../queue/task-worker.ts";
import { startDeliveryRecovery } from "../reliability/start-delivery-recovery.ts";
import { startPeriodic } from "../reliability/start-periodic.ts";
import { startSandboxSweep } from "../reliability/start-sandbox-sweep.ts";
import { promoteStrandedTasks } from "../report/promote-stranded-tasks.ts";
import { checkSandboxProvider } from "../sandbox/create-sandbox-provider.ts";

export interface ProcessRoles {
  readonly web: boolean;
  readonly worker: boolean;
}

/**
 * Runs the web server and/or a worker until SIGTERM/SIGINT, then shuts down gracefully: stop
 * accepting requests and jobs, give running tasks SHUTDOWN_GRACE, close connections. A second
 * signal exits at once. Resolves to the exit code.
 */
export async function runProcess(deps: Deps, roles: ProcessRoles): Promise<number> {
  const { config, log } = deps;

  // 1. Schema first: every process may migrate (advisory lock), so any start order works.
  if (config.migrateOnStart) {
    try {
      const outcome = await migrateToLatest(deps.db);
      if (outcome.applied.length > 0) log.info({ applied: outcome.applied }, "Database migrated");
    } catch (error) {
      log.fatal({ err: error }, "Database migration failed");
      await deps.close();
      return 1;
    }
  }

  // 2. Serve HTTP (API, webhooks, pages) if this process is a web process.
  let server: HttpServer | undefined;
  if (roles.web) {
    try {
      server = await startHttpServer({
        app: createHttpApp(deps),
        port: config.port,
        githubWebhooks: deps.githubWebhooks,
        log,
      });
    } catch (error) {
      log.fatal({ err: error, port: config.port }, "HTTP server failed to start");
      await deps.close();
      return 1;
    }
    log.info({ url: server.url, publicUrl: config.publicUrl }, "Web server listening");
    // GitHub never retries a failed delivery: ask for the ones missed while down (one replica at a time).
    if (deps.githubAppClient !== undefined) {
      const recovery = startDeliveryRecovery({
        appClient: deps.githubAppClient,
        db: deps.db,
        redis: deps.redis,
        log,
        metrics: deps.metrics,
        keyPrefix: "cloud-agent:webhook-recovery",
      });
      deps.onClose(() => recovery.stop());
    }
    // A command answered by a process that died before finishing it is finished here (any replica).
    const resumeDeliveries = deps.resumeGitHubDeliveries;
    if (resumeDeliveries !== undefined) {
      const resume = startPeriodic({
        name: "resume-accepted-deliveries",
        intervalMs: 60_000,
        runOnStart: true,
        log,
        run: async () => {
          const result = await resumeDeliveries();
          const count = result.resumed.length + result.settled.length + result.gaveUp.length;
          if (count > 0) log.info(result, "Interrupted GitHub commands finished");
        },
      });
      deps.onClose(() => resume.stop());
    }
  }

  // 3. Take jobs if this process is a worker.
  let worker: TaskWorker | undefined;
  if (roles.worker) {
    // A worker that cannot start sandboxes would fail every task: refuse to start, saying why.
    try {
      checkSandboxProvider(config);
    } catch (error) {
      log.fatal({ err: error }, "Sandbox provider unavailable");
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      await server?.close();
      await deps.close();
      return 1;
    }
    worker = startTaskWorker(deps);
    // Sandboxes a crashed attempt left behind are destroyed on start and every 5 minutes.
    const sweep = startSandboxSweep(deps);
    deps.onClose(() => sweep.stop());
    // A queued task whose job never reached Redis (crash between the two writes) is queued again.
    const requeue = startLostJobRequeue(deps);
    deps.onClose(() => requeue.stop());
    // A task waiting behind one whose worker died is queued once its conversation is idle.
    const stranded = startPeriodic({
      name: "promote-stranded-tasks",
      intervalMs: 60_000,
      runOnStart: true,
      log,
      run: () =>
        promoteStrandedTasks(
          { db: deps.db, enqueue: (taskId) => deps.enqueueTask(taskId), log },
          { olderThanMs: 60_000 },
        ),
    });
    deps.onClose(() => stranded.stop());
    log.info({ concurrency: config.workerConcurrency, queue: deps.queue.name }, "Worker started");
  }

  // 4. Wait for a signal, then stop in reverse order.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  log.info({ signal, graceMs: config.shutdownGraceMs }, "Shutting down");
  const forceExit = () => {
    log.warn({}, "Second signal: exiting now");
    process.exit(1);
  };
  process.once("SIGTERM", forceExit);
  process.once("SIGINT", forceExit);

  await server?.close();
  await worker?.close(config.shutdownGraceMs);
  await deps.close();
  log.info({}, "Stopped");
  return 0;
}
