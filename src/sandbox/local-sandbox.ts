import { SandboxManager } from "@anthropic-ai/sandbox-runtime";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { mkdir, rm, symlink, unlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Logger } from "pino";
import {
  buildSandboxScript,
  COMMAND_VARIABLE,
  CWD_VARIABLE,
  PROXY_VARIABLE,
} from "./build-sandbox-script.ts";
import { acquireLocalRuntime, checkLocalSandboxDependencies, type LocalRuntime } from "./local-runtime.ts";
import { parseHostEntry, type HostEntry } from "./parse-host-entry.ts";
import type { CommandResult, RunCommandOptions, Sandbox, SandboxLimits, SandboxProvider } from "./sandbox.ts";
import {
  createSandboxCgroup,
  detectCgroupSupport,
  removeSandboxCgroup,
  type SandboxCgroup,
} from "./sandbox-cgroup.ts";
import { SandboxError } from "./sandbox-error.ts";
import { readSandboxFile, writeSandboxFile, type SandboxFolders } from "./sandbox-files.ts";
import { spawnSandboxed, type SpawnedCommand, type SpawnOutcome } from "./spawn-sandboxed.ts";

export interface LocalSandboxProviderOptions {
  /** Folder holding one folder per sandbox (workspace/, home/, tmp/), e.g. DATA_DIR/sandboxes. */
  readonly root: string;
  readonly log: Logger;
  /** Host paths no sandbox may read: the service's folder (.env), DATA_DIR, the GitHub App key file. */
  readonly protectedPaths?: readonly string[];
  /** Limits for sandboxes whose options leave them out. */
  readonly defaultLimits?: SandboxLimits;
  /** Claude Code binary exposed as `claude` inside. Default: the one @anthropic-ai/claude-code installed. */
  readonly claudeBinary?: string;
}

export interface LocalSandboxProvider extends SandboxProvider {
  readonly name: "local";
  /** Limits this host lets the provider enforce: cgroup "memory", "pids", "cpu"; rlimit "cpu_seconds". */
  readonly enforcedLimits: readonly string[];
  /** The cgroup tree the limits use (1: per-controller folders; 2: unified). */
  readonly cgroupVersion: 1 | 2;
  close(): Promise<void>;
}

const DEFAULT_LIMITS = { memoryMb: 4096, maxProcesses: 1024 } as const;
/**
 * The host is hidden from every sandbox except the system folders programs run from. Everything else
 * (/tmp, /home, /root, /var, /run, /opt, /srv, /mnt, the service's own folder, other sandboxes) is an
 * empty private tmpfs inside. A worker running as root maps to root inside, so root-owned files in
 * the visible folders are readable: the known secrets there are hidden too.
 */
const VISIBLE_SYSTEM_FOLDERS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];
const HIDDEN_SYSTEM_SECRETS = [
  "/etc/shadow",
  "/etc/gshadow",
  "/etc/ssh",
  "/etc/ssl/private",
  "/etc/letsencrypt",
];
const ID_PATTERN = /^sbx-[a-z0-9-]{1,60}$/;

/** The `local` provider: bubblewrap sandboxes through @anthropic-ai/sandbox-runtime on this machine. */
export function createLocalSandboxProvider(options: LocalSandboxProviderOptions): LocalSandboxProvider {
  // 1. Fail at startup, not at the first task, when bubblewrap/socat/ripgrep are missing.
  checkLocalSandboxDependencies();
  const root = resolve(options.root);
  const log = options.log;
  const cgroups = detectCgroupSupport();
  const controllers = cgroups.controllers;
  const live = new Map<string, LocalSandbox>();
  let runtime: Promise<{ runtime: LocalRuntime; exposed: Exposed }> | undefined;
  if (controllers.length === 0) {
    log.warn(
      { provider: "local" },
      "No writable cgroup controllers: memory and process limits are not enforced",
    );
  }

  function start(): Promise<{ runtime: LocalRuntime; exposed: Exposed }> {
    runtime ??= (async () => {
      const acquired = await acquireLocalRuntime();
      const exposed = await exposeTools(root, options.claudeBinary, [
        acquired.bridgeSocketPath,
        ...acquired.readablePaths,
      ]);
      return { runtime: acquired, exposed };
    })();
    runtime.catch(() => (runtime = undefined));
    return runtime;
  }

  return {
    name: "local",
    enforcedLimits: [...controllers, "cpu_seconds"],
    cgroupVersion: cgroups.version,
    async create(createOptions) {
      const allowed = parseAllowedHosts(createOptions.allowedHosts);
      const { runtime: shared, exposed } = await start();
      const id = `sbx-${slug(createOptions.taskId)}-${randomBytes(4).toString("hex")}`;
      const dir = join(root, id);
      const limits = { ...DEFAULT_LIMITS, ...options.defaultLimits, ...createOptions.limits };
      let cgroup: SandboxCgroup | null = null;
      try {
        // 2. Own folders: the only places a sandbox can write, removed on destroy.
        await Promise.all(
          ["workspace", "home", "tmp"].map((name) => mkdir(join(dir, name), { recursive: true })),
        );
        // 3. One cgroup per sandbox, so memory/process limits cover every command together.
        cgroup = await createSandboxCgroup(id, limits, cgroups);
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw new SandboxError(
          "sandbox_start_failed",
          `The local sandbox folders could not be created: ${String(error)}`,
          {
            cause: error,
          },
        );
      }
      const sandbox = new LocalSandbox({
        id,
        dir,
        allowed,
        env: createOptions.env ?? {},
        limits,
        cgroup,
        runtime: shared,
        exposed,
        protectedPaths: [...(options.protectedPaths ?? []), root],
        log: log.child({ sandboxId: id, taskId: createOptions.taskId }),
        onGone: () => live.delete(id),
      });
      live.set(id, sandbox);
      sandbox.expireAfter(createOptions.timeoutMs);
      return sandbox;
    },
    async destroyById(id) {
      const sandbox = live.get(id);
      if (sandbox !== undefined) return sandbox.destroy();
      if (!ID_PATTERN.test(id)) return;
      // A sandbox of a crashed worker: kill what is left in its cgroup, then remove its folders.
      await removeSandboxCgroup(id, cgroups).catch(() => undefined);
      await rm(join(root, id), { recursive: true, force: true });
    },
    async close() {
      await Promise.all([...live.values()].map((sandbox) => sandbox.destroy()));
      const started = runtime;
      runtime = undefined;
      if (started !== undefined) await (await started.catch(() => undefined))?.runtime.release();
    },
  };
}

/** Tool folders every sandbox may read (and run): Claude Code, node, sandbox-runtime's seccomp helper. */
interface Exposed {
  readonly binDir: string;
  readonly readable: readonly string[];
}

async function exposeTools(
  root: string,
  claudeBinary: string | undefined,
  runtimePaths: readonly string[],
): Promise<Exposed> {
  const require = createRequire(import.meta.url);
  const binDir = join(root, ".tools", "bin");
  await mkdir(binDir, { recursive: true });
  const node = realpathSync(process.execPath);
  const claude = claudeBinary ?? findClaudeBinary(require);
  const links: [string, string | undefined][] = [
    ["node", node],
    ["claude", claude === undefined ? undefined : realpathSync(claude)],
  ];
  for (const [name, target] of links) {
    if (target === undefined) continue;
    await unlink(join(binDir, name)).catch(() => undefined);
    await symlink(target, join(binDir, name)).catch(() => undefined);
  }
  const runtimeDir = dirname(require.resolve("@anthropic-ai/sandbox-runtime/package.json"));
  const readable = [binDir, dirname(node), join(runtimeDir, "vendor"), ...runtimePaths];
  if (claude !== undefined) readable.push(dirname(realpathSync(claude)));
  return { binDir, readable };
}

function findClaudeBinary(require: NodeJS.Require): string | undefined {
  try {
    const packageDir = dirname(require.resolve("@anthropic-ai/claude-code/package.json"));
    const binary = join(packageDir, "bin", "claude.exe");
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

function parseAllowedHosts(entries: readonly string[]): HostEntry[] {
  return entries.map((entry) => {
    const parsed = parseHostEntry(entry);
    if (parsed === null) {
      throw new SandboxError(
        "sandbox_start_failed",
        `Invalid allowed host "${entry}": use a host name, host:port or an IP address.`,
        { retryable: false },
      );
    }
    return parsed;
  });
}

function slug(taskId: string): string {
  return (
    taskId
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 24) || "task"
  );
}

interface LocalSandboxParts {
  readonly id: string;
  readonly dir: string;
  readonly allowed: readonly HostEntry[];
  readonly env: Readonly<Record<string, string>>;
  readonly limits: SandboxLimits;
  readonly cgroup: SandboxCgroup | null;
  readonly runtime: LocalRuntime;
  readonly exposed: Exposed;
  readonly protectedPaths: readonly string[];
  readonly log: Logger;
  readonly onGone: () => void;
}

class LocalSandbox implements Sandbox {
  readonly id: string;
  readonly provider = "local" as const;
  readonly workdir: string;
  readonly homeDir: string;
  readonly #parts: LocalSandboxParts;
  readonly #folders: SandboxFolders;
  readonly #tmpDir: string;
  readonly #running = new Set<SpawnedCommand>();
  readonly #pass: { credentials: string; release(): void };
  #wrapped: Promise<string> | undefined;
  #state: "alive" | "destroyed" | "expired" = "alive";
  #destroying: Promise<void> | undefined;
  #lifetime: NodeJS.Timeout | undefined;

  constructor(parts: LocalSandboxParts) {
    this.#parts = parts;
    this.id = parts.id;
    this.workdir = join(parts.dir, "workspace");
    this.homeDir = join(parts.dir, "home");
    this.#tmpDir = join(parts.dir, "tmp");
    this.#folders = { workdir: this.workdir, roots: [this.workdir, this.homeDir, this.#tmpDir] };
    this.#pass = parts.runtime.gate.register({
      allowedHosts: parts.allowed,
      onBlocked: (destination, reason) => {
        parts.log.info({ destination }, "Sandbox network access blocked");
        for (const command of this.#running) {
          command.notice(`[sandbox] Network access to ${destination} was blocked: ${reason}.`);
        }
      },
    });
  }

  expireAfter(timeoutMs: number): void {
    this.#lifetime = setTimeout(() => {
      this.#parts.log.warn({ timeoutMs }, "Sandbox lifetime reached; destroying it");
      void this.#teardown("expired");
    }, timeoutMs);
    this.#lifetime.unref();
  }

  async run(command: string, options: RunCommandOptions = {}): Promise<CommandResult> {
    this.#assertAlive();
    options.signal?.throwIfAborted();
    const cwd = options.cwd === undefined ? this.workdir : resolve(this.workdir, options.cwd);
    const wrapped = await this.#wrap();
    this.#assertAlive();
    const spawned = spawnSandboxed({
      script: `${this.#parts.cgroup?.joinScript ?? ""}exec ${wrapped}`,
      env: { ...this.#environment(options.env), [COMMAND_VARIABLE]: command, [CWD_VARIABLE]: cwd },
      stdin: options.stdin,
      onStdout: options.onStdout,
      onStderr: options.onStderr,
      killRest: () => Promise.resolve(),
    });
    this.#running.add(spawned);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => spawned.stop("timeout"), options.timeoutMs);
    const onAbort = (): void => spawned.stop("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    let outcome: SpawnOutcome;
    try {
      outcome = await spawned.outcome;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      this.#running.delete(spawned);
    }
    if (outcome.kind === "exited") {
      return { exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
    }
    // Stopped by destroy or expiry: report once the sandbox is really gone.
    if (outcome.reason === "destroyed" || outcome.reason === "sandbox_timeout") await this.#destroying;
    throw this.#stopError(outcome, options, spawned.listenerError());
  }

  /**
   * The bubblewrap invocation for this sandbox, made once (wrapping costs 10-40 ms): every command
   * runs the same fixed script, which takes the command from the environment.
   */
  #wrap(): Promise<string> {
    this.#wrapped ??= SandboxManager.wrapWithSandbox(
      buildSandboxScript({
        tmpDir: this.#tmpDir,
        allowedHostNames: this.#parts.allowed.map((entry) => entry.host),
        cpuSeconds: this.#parts.limits.cpuSeconds,
      }),
      "bash",
      this.#policy(),
      undefined,
      { commandId: this.id },
    ).catch((error: unknown) => {
      this.#wrapped = undefined;
      throw new SandboxError(
        "sandbox_start_failed",
        `The local sandbox could not be set up: ${String(error)}`,
        {
          cause: error,
          retryable: false,
        },
      );
    });
    return this.#wrapped;
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    this.#assertAlive();
    await writeSandboxFile(this.#folders, path, content);
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.#assertAlive();
    return readSandboxFile(this.#folders, path);
  }

  async readTextFile(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readFile(path));
  }

  destroy(): Promise<void> {
    return this.#teardown("destroyed");
  }

  #teardown(state: "destroyed" | "expired"): Promise<void> {
    this.#destroying ??= (async () => {
      this.#state = state;
      clearTimeout(this.#lifetime);
      for (const command of this.#running)
        command.stop(state === "expired" ? "sandbox_timeout" : "destroyed");
      this.#pass.release();
      await this.#parts.cgroup?.remove();
      // Releases what the wrap holds (its profile descriptor, bubblewrap mount points) once per sandbox.
      if (
        this.#wrapped !== undefined &&
        (await this.#wrapped.then(
          () => true,
          () => false,
        ))
      ) {
        SandboxManager.cleanupAfterCommand();
      }
      await rm(this.#parts.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      this.#parts.onGone();
      this.#parts.log.debug({}, "Sandbox destroyed");
    })();
    return this.#destroying;
  }

  #assertAlive(): void {
    if (this.#state === "expired") {
      throw new SandboxError("sandbox_timeout", "The sandbox reached its time limit and was stopped.");
    }
    if (this.#state === "destroyed") {
      throw new SandboxError("sandbox_gone", "The sandbox no longer exists.");
    }
  }

  /** Filesystem policy: host folders hidden, tools readable, only this sandbox's folders writable. */
  #policy(): Parameters<typeof SandboxManager.wrapWithSandbox>[2] {
    // Denying "/" covers its folders; files right under / are listed one by one.
    const topLevelFiles = readdirSync("/", { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => `/${entry.name}`);
    const hidden = [
      "/",
      tmpdir(),
      ...topLevelFiles,
      ...HIDDEN_SYSTEM_SECRETS,
      ...this.#parts.protectedPaths,
    ].filter((path) => existsSync(path));
    const visible = VISIBLE_SYSTEM_FOLDERS.filter((path) => existsSync(path));
    return {
      filesystem: {
        denyRead: [...new Set(hidden)],
        allowRead: [...visible, ...this.#parts.exposed.readable],
        allowWrite: [this.workdir, this.homeDir, this.#tmpDir],
        denyWrite: [],
      },
    };
  }

  /** Nothing of the worker's environment: a minimal base, the sandbox's env, then the command's. */
  #environment(commandEnv: Readonly<Record<string, string>> | undefined): Record<string, string> {
    return {
      PATH: `${this.#parts.exposed.binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: this.homeDir,
      TMPDIR: this.#tmpDir,
      LANG: "C.UTF-8",
      TERM: "dumb",
      SHELL: "/bin/bash",
      // Claude Code refuses --dangerously-skip-permissions as root unless it is told it is sandboxed.
      IS_SANDBOX: "1",
      ...this.#parts.env,
      ...commandEnv,
      [PROXY_VARIABLE]: `http://${this.#pass.credentials}@localhost:3128`,
    };
  }

  #stopError(
    outcome: Extract<SpawnOutcome, { kind: "stopped" }>,
    options: RunCommandOptions,
    listenerError: unknown,
  ): unknown {
    const output = { stdout: tail(outcome.stdout), stderr: tail(outcome.stderr) };
    switch (outcome.reason) {
      case "timeout":
        return new SandboxError(
          "command_timeout",
          `The command ran longer than ${formatSeconds(options.timeoutMs ?? 0)} and was stopped.`,
          { details: output },
        );
      case "aborted":
        return options.signal?.reason ?? new DOMException("The command was aborted.", "AbortError");
      case "listener_failed":
        return listenerError;
      case "sandbox_timeout":
        return new SandboxError("sandbox_timeout", "The sandbox reached its time limit and was stopped.", {
          details: output,
        });
      case "destroyed":
        return new SandboxError("sandbox_gone", "The sandbox was destroyed while the command ran.", {
          details: output,
        });
    }
  }
}

function tail(text: string): string {
  return text.length <= 4000 ? text : text.slice(-4000);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
