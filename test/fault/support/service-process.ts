import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { descendantsOf } from "../../support/process-tree.ts";

export const CLI = fileURLToPath(new URL("../../../src/bin/cloud-agent.ts", import.meta.url));

export type LogLine = Record<string, unknown> & { msg?: string };

/** A real `cloud-agent <role>` process (the shipped entry point), its JSON log lines captured. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  /** Everything the process wrote, stdout and stderr, as text (for leak checks). */
  output(): string;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM (graceful: running sandboxes destroyed), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function spawnService(
  role: "serve" | "worker" | "start",
  env: Record<string, string>,
  options: { entry?: string; ready?: (line: LogLine) => boolean; readyTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [options.entry ?? CLI, role], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const raw: string[] = [];
  const waiters = new Set<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  createInterface({ input: child.stdout }).on("line", (text) => {
    raw.push(text);
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    logs.push(line);
    for (const waiter of waiters) {
      if (waiter.predicate(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  createInterface({ input: child.stderr }).on("line", (text) => raw.push(text));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );

  function waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const found = logs.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve };
      waiters.add(waiter);
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(`No log line matched within ${timeoutMs} ms. Output:\n${raw.slice(-30).join("\n")}`),
        );
      }, timeoutMs);
      void exited.then(() => {
        if (!waiters.has(waiter)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        reject(new Error(`Process exited before the log line. Output:\n${raw.slice(-30).join("\n")}`));
      });
      const original = waiter.resolve;
      waiter.resolve = (line) => {
        clearTimeout(timer);
        original(line);
      };
    });
  }

  const orphans: number[] = [];
  const service: ServiceProcess & { stop: ServiceProcess["stop"] } = {
    child,
    logs,
    output: () => raw.join("\n"),
    waitForLog,
    exited,
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // A SIGKILLed worker cannot clean up: remember its process tree to reap what it leaves behind.
      if (signal === "SIGKILL" && child.pid !== undefined) orphans.push(...descendantsOf(child.pid));
      child.kill(signal);
      await exited;
    },
    stop: () => Promise.resolve(),
  };
  service.stop = async (graceMs = 8_000) => {
    for (const pid of orphans.splice(0)) killQuietly(pid);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGCONT");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const ready =
    options.ready ??
    ((line: LogLine) => line.msg === (role === "worker" ? "Worker started" : "Web server listening"));
  await waitForLog(ready, options.readyTimeoutMs ?? 30_000);
  return service;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
