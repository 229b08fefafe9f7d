/**
 * One interface over every sandbox provider (local: @anthropic-ai/sandbox-runtime; novita: e2b SDK).
 * The executor never knows which one it has; both pass test/integration/sandbox-contract.ts
 * (run per provider by test/integration/sandbox-*.test.ts).
 */

export interface SandboxLimits {
  /** Address-space / memory limit in MiB (where the provider can enforce it). */
  readonly memoryMb?: number;
  /** Max processes inside the sandbox (where the provider can enforce it). */
  readonly maxProcesses?: number;
  /** CPU time limit in seconds (where the provider can enforce it). */
  readonly cpuSeconds?: number;
  /** CPU cores the sandbox may use at once, e.g. 1.5 (local: cgroup CPU quota; novita: the template's). */
  readonly cpus?: number;
}

export interface CreateSandboxOptions {
  /** For naming and records; never a secret. */
  readonly taskId: string;
  /** Provider template (novita); ignored by local. */
  readonly template?: string;
  /** Environment for every command in the sandbox (agent credentials, never GitHub tokens). */
  readonly env?: Readonly<Record<string, string>>;
  /** Wall-clock lifetime of the sandbox in ms; the provider kills it after that. */
  readonly timeoutMs: number;
  /** Hosts the sandbox may reach: "host", "host:port" or an address. Everything else is blocked. */
  readonly allowedHosts: readonly string[];
  readonly limits?: SandboxLimits;
}

export interface RunCommandOptions {
  readonly cwd?: string;
  /** Environment for this command only. */
  readonly env?: Readonly<Record<string, string>>;
  /** Wall-clock limit; on expiry the whole process tree is killed and CommandTimeout thrown. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called for each complete line as it arrives (without the newline). */
  readonly onStdout?: (line: string) => void;
  readonly onStderr?: (line: string) => void;
  /** Bytes to write to the command's standard input, then close it. */
  readonly stdin?: string;
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Sandbox {
  /** Provider-specific id, recorded on the task so a sweep can find it. */
  readonly id: string;
  readonly provider: "local" | "novita";
  /** Absolute path of the writable workspace inside the sandbox (the clone goes here). */
  readonly workdir: string;
  /** Absolute path of HOME inside the sandbox. */
  readonly homeDir: string;
  /** Runs `bash -lc command`-style shell text. Non-zero exit is a result, not an error. */
  run(command: string, options?: RunCommandOptions): Promise<CommandResult>;
  writeFile(path: string, content: string | Uint8Array): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  /** Extends the sandbox's lifetime (novita); a no-op where there is none. */
  extend?(timeoutMs: number): Promise<void>;
  /** Idempotent; removes everything the sandbox owned. */
  destroy(): Promise<void>;
}

export interface SandboxProvider {
  readonly name: "local" | "novita";
  create(options: CreateSandboxOptions): Promise<Sandbox>;
  /** Destroys a sandbox by id (sweeps and retries of crashed attempts). Unknown ids are ignored. */
  destroyById(id: string): Promise<void>;
  /** Destroys this provider's live sandboxes and stops what it started (deps.close()). */
  close?(): Promise<void>;
}
