import { SandboxManager } from "@anthropic-ai/sandbox-runtime";
import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNetworkGate, type NetworkGate } from "./network-gate.ts";
import { SandboxError } from "./sandbox-error.ts";

/**
 * The process-wide half of the local provider: sandbox-runtime's SandboxManager is a module-level
 * singleton in the library itself (one proxy bridge per process), so it is started once here, shared
 * by every local provider of the process (reference counted), and stopped when the last one closes.
 * Starting it costs ~130 ms; each sandbox after that only pays for its own folders.
 */
export interface LocalRuntime {
  readonly gate: NetworkGate;
  /** Host-side Unix socket sandbox-runtime bridges into every sandbox; must stay reachable inside. */
  readonly bridgeSocketPath: string;
  /** Other host paths every sandbox must be able to read (the socat wrapper). */
  readonly readablePaths: readonly string[];
  release(): Promise<void>;
}

interface Started {
  gate: NetworkGate;
  bridgeSocketPath: string;
  readablePaths: string[];
  cleanup: () => Promise<void>;
}

interface Shared {
  users: number;
  ready: Promise<Started>;
}

// The one module-level state in the service, mirroring the library's own singleton (see above).
let shared: Shared | undefined;

/** Debian packages the local sandbox needs, by the command they provide. */
const requiredCommands: ReadonlyArray<{ command: string; debianPackage: string }> = [
  { command: "bwrap", debianPackage: "bubblewrap" },
  { command: "socat", debianPackage: "socat" },
];

/** Throws a clear, non-retryable error naming the Debian packages to install when a tool is missing. */
export function checkLocalSandboxDependencies(
  hasCommand: (command: string) => boolean = commandExists,
): void {
  if (process.platform !== "linux") {
    throw new SandboxError("sandbox_start_failed", "The local sandbox runs on Linux only (bubblewrap).", {
      retryable: false,
    });
  }
  const missing = requiredCommands.filter(({ command }) => !hasCommand(command));
  if (missing.length === 0) return;
  const packages = missing.map(({ debianPackage }) => debianPackage).join(" ");
  throw new SandboxError(
    "sandbox_start_failed",
    `The local sandbox needs ${missing.map(({ command }) => command).join(", ")}, which ` +
      `${missing.length === 1 ? "is" : "are"} not installed. Install with: apt-get install ${packages} ` +
      `(or set SANDBOX_PROVIDER=novita).`,
    { retryable: false },
  );
}

function commandExists(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export async function acquireLocalRuntime(): Promise<LocalRuntime> {
  if (shared === undefined) {
    checkLocalSandboxDependencies();
    const entry: Shared = { users: 0, ready: startRuntime() };
    shared = entry;
    entry.ready.catch(() => {
      if (shared === entry) shared = undefined;
    });
  }
  const current = shared;
  current.users += 1;
  let ready: Started;
  try {
    ready = await current.ready;
  } catch (error) {
    current.users -= 1;
    throw error;
  }
  let released = false;
  return {
    gate: ready.gate,
    bridgeSocketPath: ready.bridgeSocketPath,
    readablePaths: ready.readablePaths,
    async release() {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users > 0 || shared !== current) return;
      shared = undefined;
      await SandboxManager.reset();
      await ready.gate.close();
      await ready.cleanup();
    },
  };
}

/**
 * A socat that dies with the process that started it. sandbox-runtime starts a host-side socat
 * bridge per process and stops it on reset(), which a SIGKILLed worker never reaches: the bridge
 * then lives on, orphaned. Through this wrapper the kernel kills it with its parent
 * (PR_SET_PDEATHSIG via setpriv, util-linux). Inside a sandbox the same wrapper starts the
 * sandbox-side relays, so its folder is readable there. Undefined when setpriv is missing.
 */
async function writeSocatWrapper(): Promise<{ path: string; dir: string } | undefined> {
  const setpriv = commandPath("setpriv");
  const socat = commandPath("socat");
  if (setpriv === undefined || socat === undefined) return undefined;
  const dir = await mkdtemp(join(tmpdir(), "cloud-agent-socat-"));
  const path = join(dir, "socat");
  await writeFile(path, `#!/bin/sh\nexec ${setpriv} --pdeathsig KILL -- ${socat} "$@"\n`);
  await chmod(path, 0o755);
  await chmod(dir, 0o755);
  return { path, dir };
}

function commandPath(command: string): string | undefined {
  try {
    const path = execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim();
    return path.startsWith("/") ? path : undefined;
  } catch {
    return undefined;
  }
}

async function startRuntime(): Promise<Started> {
  const gate = await createNetworkGate();
  const wrapper = await writeSocatWrapper().catch(() => undefined);
  const cleanup = async () => {
    if (wrapper !== undefined) await rm(wrapper.dir, { recursive: true, force: true });
  };
  try {
    // 1. Route every sandbox's traffic to our gate: it knows which sandbox is asking (proxy credentials).
    await SandboxManager.initialize({
      network: { allowedDomains: [], deniedDomains: [], httpProxyPort: gate.port, socksProxyPort: gate.port },
      filesystem: { denyRead: [], allowWrite: [], denyWrite: [], allowGitConfig: true },
      // The library scans the worker's cwd for dangerous files (.bashrc, .git/hooks) before every
      // command; every sandbox hides that folder entirely, so the scan only costs time (a process spawn).
      ripgrep: { command: "true" },
      mandatoryDenySearchDepth: 1,
      ...(wrapper === undefined ? {} : { socatPath: wrapper.path }),
    });
    const bridgeSocketPath = SandboxManager.getLinuxHttpSocketPath();
    if (bridgeSocketPath === undefined) throw new Error("sandbox-runtime started without its network bridge");
    return { gate, bridgeSocketPath, readablePaths: wrapper === undefined ? [] : [wrapper.dir], cleanup };
  } catch (error) {
    await gate.close();
    await cleanup();
    await SandboxManager.reset().catch(() => undefined);
    throw new SandboxError(
      "sandbox_start_failed",
      `The local sandbox runtime could not start: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, retryable: false },
    );
  }
}
