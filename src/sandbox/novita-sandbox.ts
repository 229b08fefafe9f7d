import { CommandExitError, Sandbox as E2bSandbox, FileNotFoundError, type CommandHandle } from "e2b";
import type { Logger } from "pino";
import { mapNovitaError } from "./map-novita-error.ts";
import { toEgressRules } from "./to-egress-rules.ts";
import { parseHostEntry } from "./parse-host-entry.ts";
import type { CommandResult, RunCommandOptions, Sandbox, SandboxProvider } from "./sandbox.ts";
import { SandboxError } from "./sandbox-error.ts";
import { createGuardedLineListeners } from "./split-lines.ts";

/** Novita's E2B-compatible endpoint. */
export const NOVITA_DOMAIN = "sandbox.novita.ai";
/** How often a running task pushes its sandbox's end of life forward, and by how much beyond now. */
const EXTEND_EVERY_MS = 60_000;
const WORKDIR = "/home/user/workspace";
const HOME = "/home/user";

export interface NovitaSandboxProviderOptions {
  readonly apiKey: string;
  readonly template: string;
  readonly log: Logger;
  readonly domain?: string;
}

/**
 * The `novita` provider: a thin wrapper over the e2b SDK pointed at Novita. The sandbox's lifetime is
 * set explicitly from the task's time limit (Novita's default is 5 minutes) and pushed forward while
 * commands run; destroy() kills it. Excluded from coverage (it needs Novita); the contract suite runs
 * it whenever NOVITA_API_KEY is set, and map-novita-error.ts is unit-tested.
 */
export function createNovitaSandboxProvider(options: NovitaSandboxProviderOptions): SandboxProvider {
  const connection = { apiKey: options.apiKey, domain: options.domain ?? NOVITA_DOMAIN };
  return {
    name: "novita",
    async create(createOptions) {
      const allowed = createOptions.allowedHosts.map((entry) => {
        const parsed = parseHostEntry(entry);
        if (parsed === null) {
          throw new SandboxError("sandbox_start_failed", `Invalid allowed host "${entry}".`, {
            retryable: false,
          });
        }
        return parsed;
      });
      let sandbox: E2bSandbox;
      try {
        sandbox = await E2bSandbox.create(createOptions.template ?? options.template, {
          ...connection,
          timeoutMs: createOptions.timeoutMs,
          envs: { ...createOptions.env },
          metadata: { taskId: createOptions.taskId },
          network: toEgressRules(allowed),
        });
      } catch (error) {
        throw mapNovitaError(error, "create");
      }
      const log = options.log.child({ sandboxId: sandbox.sandboxId, taskId: createOptions.taskId });
      try {
        await sandbox.commands.run(`mkdir -p ${WORKDIR}`, { timeoutMs: 30_000 });
      } catch (error) {
        await sandbox.kill().catch(() => undefined);
        throw mapNovitaError(error, "create");
      }
      return new NovitaSandbox(sandbox, createOptions.timeoutMs, log);
    },
    async destroyById(id) {
      try {
        await E2bSandbox.kill(id, connection);
      } catch (error) {
        options.log.warn({ sandboxId: id, err: error }, "Novita sandbox kill failed");
      }
    },
  };
}

class NovitaSandbox implements Sandbox {
  readonly id: string;
  readonly provider = "novita" as const;
  readonly workdir = WORKDIR;
  readonly homeDir = HOME;
  readonly #sandbox: E2bSandbox;
  readonly #deadline: number;
  readonly #log: Logger;
  #destroying: Promise<void> | undefined;

  constructor(sandbox: E2bSandbox, lifetimeMs: number, log: Logger) {
    this.#sandbox = sandbox;
    this.id = sandbox.sandboxId;
    this.#deadline = Date.now() + lifetimeMs;
    this.#log = log;
  }

  async run(command: string, options: RunCommandOptions = {}): Promise<CommandResult> {
    this.#assertAlive();
    options.signal?.throwIfAborted();
    let stopped: "timeout" | "aborted" | "listener_failed" | undefined;
    let handle: CommandHandle | undefined;
    const stop = (reason: "timeout" | "aborted" | "listener_failed"): void => {
      stopped ??= reason;
      if (handle !== undefined) void this.#killTree(handle.pid);
    };
    // A throwing callback stops the command and becomes run()'s error (as in the local sandbox).
    const lines = createGuardedLineListeners(options, () => stop("listener_failed"));
    try {
      handle = await this.#sandbox.commands.run(command, {
        background: true,
        cwd: options.cwd === undefined ? WORKDIR : this.#absolute(options.cwd),
        envs: { ...options.env },
        // 0: no SDK limit; our own timer below kills the process group and reports command_timeout.
        timeoutMs: 0,
        stdin: options.stdin !== undefined,
        onStdout: (data) => lines.stdout.push(Buffer.from(data)),
        onStderr: (data) => lines.stderr.push(Buffer.from(data)),
      });
      if (options.stdin !== undefined) {
        await handle.sendStdin(options.stdin);
        await handle.closeStdin();
      }
    } catch (error) {
      throw mapNovitaError(error, "run");
    }
    const running = handle;
    if (stopped !== undefined) void this.#killTree(running.pid);
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => stop("timeout"), options.timeoutMs);
    const keepAlive = setInterval(() => void this.extend(EXTEND_EVERY_MS * 3), EXTEND_EVERY_MS);
    const onAbort = (): void => stop("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const result = await running.wait();
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    } catch (error) {
      if (stopped === "timeout") {
        throw new SandboxError(
          "command_timeout",
          `The command ran longer than ${(options.timeoutMs ?? 0) / 1000} s and was stopped.`,
        );
      }
      if (stopped === "aborted") throw options.signal?.reason ?? error;
      if (stopped === "listener_failed") throw lines.error();
      if (this.#destroying !== undefined) {
        throw new SandboxError("sandbox_gone", "The sandbox was destroyed while the command ran.", {
          cause: error,
        });
      }
      if (Date.now() >= this.#deadline) {
        throw new SandboxError("sandbox_timeout", "The sandbox reached its time limit and was stopped.", {
          cause: error,
        });
      }
      if (error instanceof CommandExitError) {
        return { exitCode: error.exitCode, stdout: error.stdout, stderr: error.stderr };
      }
      throw mapNovitaError(error, "run");
    } finally {
      lines.stdout.end();
      lines.stderr.end();
      clearTimeout(timer);
      clearInterval(keepAlive);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    this.#assertAlive();
    const data = typeof content === "string" ? content : new Uint8Array(content).buffer;
    try {
      await this.#sandbox.files.write(this.#absolute(path), data);
    } catch (error) {
      throw mapNovitaError(error, "file");
    }
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.#assertAlive();
    try {
      return await this.#sandbox.files.read(this.#absolute(path), { format: "bytes" });
    } catch (error) {
      if (error instanceof FileNotFoundError) throw error;
      throw mapNovitaError(error, "file");
    }
  }

  async readTextFile(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readFile(path));
  }

  /** Pushes the end of life forward, never past the task's own deadline. */
  async extend(timeoutMs: number): Promise<void> {
    const remaining = this.#deadline - Date.now();
    if (this.#destroying !== undefined || remaining <= 0) return;
    try {
      await this.#sandbox.setTimeout(Math.min(timeoutMs, remaining));
    } catch (error) {
      this.#log.warn({ err: mapNovitaError(error, "extend") }, "Novita sandbox lifetime extension failed");
    }
  }

  destroy(): Promise<void> {
    this.#destroying ??= this.#sandbox.kill().then(
      () => undefined,
      (error: unknown) =>
        this.#log.warn({ err: mapNovitaError(error, "destroy") }, "Novita sandbox kill failed"),
    );
    return this.#destroying;
  }

  #assertAlive(): void {
    if (this.#destroying !== undefined)
      throw new SandboxError("sandbox_gone", "The sandbox no longer exists.");
    if (Date.now() >= this.#deadline) {
      throw new SandboxError("sandbox_timeout", "The sandbox reached its time limit and was stopped.");
    }
  }

  #absolute(path: string): string {
    return path.startsWith("/") ? path : `${WORKDIR}/${path}`;
  }

  /** Kills the command's process group (its children too), then the process itself. */
  async #killTree(pid: number): Promise<void> {
    await this.#sandbox.commands
      .run(
        `kill -9 -- -${pid} 2>/dev/null; pkill -9 -P ${pid} 2>/dev/null; kill -9 ${pid} 2>/dev/null; true`,
        {
          timeoutMs: 10_000,
        },
      )
      .catch(() => undefined);
    await this.#sandbox.commands.kill(pid).catch(() => false);
  }
}
