import { createHash, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CreateSandboxOptions, Sandbox, SandboxProvider } from "../../src/sandbox/sandbox.ts";
import { SandboxError } from "../../src/sandbox/sandbox-error.ts";

/**
 * The contract every sandbox provider passes (local always; novita when NOVITA_API_KEY is set). The
 * executor relies on exactly these behaviours, so each case is an observable fact, not a mock call.
 */
export interface SandboxContractTarget {
  readonly createProvider: () => SandboxProvider;
  /** Asserts that nothing of a destroyed sandbox remains (folders, processes, the remote machine). */
  readonly assertNothingLeft: (provider: SandboxProvider, sandbox: Sandbox) => Promise<void>;
  /** Extra time for remote providers (sandbox start, network latency). */
  readonly slack?: number;
}

export function runSandboxContract(name: string, target: SandboxContractTarget): void {
  describe(`sandbox contract: ${name}`, () => {
    const slack = target.slack ?? 1;
    let provider: SandboxProvider;
    const created: Sandbox[] = [];

    async function create(options: Partial<CreateSandboxOptions> = {}): Promise<Sandbox> {
      const sandbox = await provider.create({
        taskId: "contract",
        timeoutMs: 120_000,
        allowedHosts: [],
        ...options,
      });
      created.push(sandbox);
      return sandbox;
    }

    beforeAll(() => {
      provider = target.createProvider();
    });
    afterEach(async () => {
      await Promise.all(created.splice(0).map((sandbox) => sandbox.destroy()));
    });
    afterAll(async () => {
      await provider.close?.();
    });

    it("streams lines as they are printed, before the command ends", async () => {
      const sandbox = await create();
      const arrivals: { line: string; at: number }[] = [];
      const start = performance.now();

      const result = await sandbox.run("echo first; echo oops >&2; sleep 2; echo second; printf tail", {
        onStdout: (line) => arrivals.push({ line, at: performance.now() - start }),
        onStderr: (line) => arrivals.push({ line: `err:${line}`, at: performance.now() - start }),
      });
      const ended = performance.now() - start;

      expect(arrivals.map((arrival) => arrival.line)).toEqual(["first", "err:oops", "second", "tail"]);
      // "first" was handed over while `sleep 2` still ran: at least 1.8 s before the command ended.
      const first = arrivals[0]!.at;
      expect(ended - first).toBeGreaterThan(1800);
      expect(result.stdout).toBe("first\nsecond\ntail");
      expect(result.stderr).toBe("oops\n");
    });

    it("reports exit codes as results, not errors", async () => {
      const sandbox = await create();

      const codes = await Promise.all(["true", "false", "exit 3", "kill -9 $$"].map((c) => sandbox.run(c)));

      expect(codes.map((result) => result.exitCode)).toEqual([0, 1, 3, 137]);
    });

    it("keeps one command's env from the next, and the sandbox's env for all", async () => {
      const sandbox = await create({ env: { SANDBOX_WIDE: "everywhere" } });

      const first = await sandbox.run('echo "$ONLY_ONCE $SANDBOX_WIDE"', { env: { ONLY_ONCE: "once" } });
      const second = await sandbox.run('echo "${ONLY_ONCE:-unset} $SANDBOX_WIDE"');

      expect(first.stdout).toBe("once everywhere\n");
      expect(second.stdout).toBe("unset everywhere\n");
    });

    it("runs in the workspace by default, in cwd when given, and passes stdin", async () => {
      const sandbox = await create();
      await sandbox.run("mkdir -p sub");

      const here = await sandbox.run("pwd");
      const sub = await sandbox.run("pwd", { cwd: "sub" });
      const piped = await sandbox.run("tr a-z A-Z", { stdin: "shout\n" });

      expect(here.stdout.trim()).toBe(sandbox.workdir);
      expect(sub.stdout.trim()).toBe(`${sandbox.workdir}/sub`);
      expect(piped.stdout).toBe("SHOUT\n");
    });

    it("kills a runaway command and its children at the time limit", async () => {
      const sandbox = await create();
      const runaway = "(while true; do echo tick >> ticks; sleep 0.1; done) & while true; do sleep 1; done";
      const start = performance.now();

      const error = await sandbox.run(runaway, { timeoutMs: 1000 }).catch((caught: unknown) => caught);
      const elapsed = performance.now() - start;
      const before = (await sandbox.readTextFile("ticks")).length;
      await new Promise((resolve) => setTimeout(resolve, 600));
      const after = (await sandbox.readTextFile("ticks")).length;

      expect(error).toBeInstanceOf(SandboxError);
      expect((error as SandboxError).code).toBe("command_timeout");
      expect((error as SandboxError).retryable).toBe(false);
      expect(elapsed).toBeLessThan(5000 * slack);
      expect(before).toBeGreaterThan(0);
      expect(after).toBe(before);
    });

    it("stops a command within 1 s of an abort, rejecting with the signal's reason", async () => {
      const sandbox = await create();
      const controller = new AbortController();
      const reason = new Error("task cancelled");
      let abortedAt = 0;

      const error = await sandbox
        .run("echo started; sleep 30", {
          signal: controller.signal,
          onStdout: () => {
            abortedAt = performance.now();
            controller.abort(reason);
          },
        })
        .catch((caught: unknown) => caught);
      const stoppedAfter = performance.now() - abortedAt;

      expect(error).toBe(reason);
      expect(abortedAt).toBeGreaterThan(0);
      expect(stoppedAfter).toBeLessThan(1000);
    });

    it("round-trips binary and text files, visible to commands", async () => {
      const sandbox = await create();
      const bytes = new Uint8Array(
        Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(65536)]),
      );
      const digest = createHash("sha256").update(bytes).digest("hex");

      await sandbox.writeFile("data/blob.bin", bytes);
      await sandbox.writeFile(`${sandbox.homeDir}/note.txt`, "héllo ✓\n");
      const back = await sandbox.readFile("data/blob.bin");
      const text = await sandbox.readTextFile(`${sandbox.homeDir}/note.txt`);
      const seen = await sandbox.run("sha256sum data/blob.bin");
      await sandbox.run("printf 'made inside' > inside.txt");

      expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
      expect(text).toBe("héllo ✓\n");
      expect(seen.stdout.split(" ")[0]).toBe(digest);
      expect(await sandbox.readTextFile("inside.txt")).toBe("made inside");
    });

    it("destroys idempotently and leaves nothing behind", async () => {
      const sandbox = await create();
      await sandbox.run("(sleep 60 &) ; echo hi > file");

      await sandbox.destroy();
      await sandbox.destroy();
      const error = await sandbox.run("true").catch((caught: unknown) => caught);

      expect((error as SandboxError).code).toBe("sandbox_gone");
      await target.assertNothingLeft(provider, sandbox);
    });

    it("reports sandbox_gone to a command running when the sandbox is destroyed", async () => {
      const sandbox = await create();
      const running = sandbox.run("echo up; sleep 30", {
        onStdout: () => void sandbox.destroy(),
      });

      const error = await running.catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(SandboxError);
      expect((error as SandboxError).code).toBe("sandbox_gone");
      expect((error as SandboxError).retryable).toBe(true);
    });
  });
}
