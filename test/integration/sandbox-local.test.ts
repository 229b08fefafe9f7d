import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createLocalSandboxProvider, type LocalSandboxProvider } from "../../src/sandbox/local-sandbox.ts";
import type { CreateSandboxOptions, Sandbox } from "../../src/sandbox/sandbox.ts";
import { detectCgroupSupport } from "../../src/sandbox/sandbox-cgroup.ts";
import { startGitServer, type GitServer } from "../support/git-server.ts";
import { text, toolUse } from "../support/scripted-model/scripted-model-script.ts";
import { startScriptedModelServer } from "../support/scripted-model/scripted-model-server.ts";
import { runSandboxContract } from "./sandbox-contract.ts";

const log = pino({ level: "silent" });
const root = await mkdtemp(join(tmpdir(), "sandbox-local-test-"));
/** Stands in for the service's own folder: its .env must stay out of every sandbox's reach. */
const serviceDir = await mkdtemp(join(tmpdir(), "sandbox-service-"));
const SECRET = `secret-${Math.random().toString(36).slice(2)}`;
await writeFile(join(serviceDir, ".env"), `WEBHOOK_SECRET=${SECRET}\n`);

const CGROUP_V2 = detectCgroupSupport().version === 2;

/** Where a sandbox's cgroup files live on this host (v1: per controller; v2: one unified folder). */
function cgroupPath(controller: string, id: string, file = ""): string {
  const group = CGROUP_V2
    ? `/sys/fs/cgroup/cloud-agent/${id}`
    : `/sys/fs/cgroup/${controller}/cloud-agent/${id}`;
  return file === "" ? group : `${group}/${file}`;
}

function newProvider(): LocalSandboxProvider {
  return createLocalSandboxProvider({ root, log, protectedPaths: [serviceDir, process.cwd()] });
}

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(serviceDir, { recursive: true, force: true });
});

runSandboxContract("local", {
  createProvider: newProvider,
  async assertNothingLeft(_provider, sandbox) {
    const leftovers = await readdir(root);
    expect(leftovers).not.toContain(sandbox.id);
    expect(existsSync(cgroupPath("pids", sandbox.id))).toBe(false);
    expect(existsSync(cgroupPath("memory", sandbox.id))).toBe(false);
  },
});

describe("local sandbox isolation", () => {
  let provider: LocalSandboxProvider;
  let allowedServer: Server;
  let blockedServer: Server;
  let gitServer: GitServer;
  const sandboxes: Sandbox[] = [];

  async function create(options: Partial<CreateSandboxOptions> = {}): Promise<Sandbox> {
    const sandbox = await provider.create({
      taskId: "isolation",
      timeoutMs: 60_000,
      allowedHosts: [],
      ...options,
    });
    sandboxes.push(sandbox);
    return sandbox;
  }

  beforeAll(async () => {
    provider = newProvider();
    allowedServer = await listen("allowed server says hi");
    blockedServer = await listen("blocked server leaked");
    gitServer = await startGitServer();
  });
  afterAll(async () => {
    await Promise.all(sandboxes.map((sandbox) => sandbox.destroy()));
    await provider.close();
    allowedServer.close();
    blockedServer.close();
    await gitServer.close();
  });

  it("cannot read files planted outside: the service's .env, host /tmp, /root, another sandbox", async () => {
    const planted = await mkdtemp(join(tmpdir(), "planted-"));
    await writeFile(join(planted, "secret.txt"), SECRET);
    // A root-only file outside the system folders: a sandbox of a root worker is root inside too.
    const rootOnlyDir = await mkdtemp("/opt/cloud-agent-test-");
    const rootOnly = join(rootOnlyDir, "secret");
    onTestFinished(async () => {
      await rm(planted, { recursive: true, force: true });
      await rm(rootOnlyDir, { recursive: true, force: true });
    });
    await writeFile(rootOnly, SECRET, { mode: 0o600 });
    const other = await create();
    await other.writeFile("theirs.txt", SECRET);
    const sandbox = await create();

    const result = await sandbox.run(
      [
        `cat ${join(serviceDir, ".env")}`,
        `cat ${join(planted, "secret.txt")}`,
        `cat ${join(other.workdir, "theirs.txt")}`,
        `cat ${join(process.cwd(), "package.json")}`,
        "ls /root",
        "cat /etc/shadow",
        `cat ${rootOnly}`,
        "cat /etc/ssh/ssh_host_*_key",
        "echo done",
      ].join("; "),
    );

    expect(result.stdout).not.toContain(SECRET);
    expect(result.stdout).not.toContain('"name"');
    expect(result.stdout.trim()).toBe("done");
    expect(result.stderr).toContain("No such file or directory");
    const listing = await sandbox.run(
      "ls -A /opt /home /var /srv /mnt 2>/dev/null | grep -v -e ':$' -e '^$'",
    );
    expect(listing.stdout).toBe("");
  });

  it("cannot write outside its own folders", async () => {
    const sandbox = await create();
    const target = join(serviceDir, "written-from-sandbox");

    const result = await sandbox.run(
      `echo x > ${target}; echo x > /etc/cloud-agent-test; echo x > ${root}/escape; echo x > ~/ok && echo home-ok`,
    );

    expect(existsSync(target)).toBe(false);
    expect(existsSync("/etc/cloud-agent-test")).toBe(false);
    expect(existsSync(join(root, "escape"))).toBe(false);
    expect(result.stdout).toBe("home-ok\n");
  });

  it("refuses file access from the worker through links that leave the sandbox", async () => {
    const sandbox = await create();
    await sandbox.run(`ln -s ${serviceDir} escape; ln -s ${join(serviceDir, ".env")} env-link`);

    const read = await sandbox.readFile("env-link").catch((caught: unknown) => caught);
    const write = await sandbox.writeFile("escape/planted", "x").catch((caught: unknown) => caught);

    expect((read as Error).message).toContain("not inside the sandbox");
    expect((write as Error).message).toContain("not inside the sandbox");
    expect(existsSync(join(serviceDir, "planted"))).toBe(false);
  });

  it("keeps the command text and its proxy credentials out of the host's process list", async () => {
    const sandbox = await create({ allowedHosts: ["github.com"] });
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    let seen = "";

    await sandbox.run(`echo ${marker} > /dev/null; echo go; sleep 3`, {
      onStdout: () => {
        seen = hostCommandLines();
      },
    });

    expect(seen).toContain("bwrap");
    expect(seen).not.toContain(marker);
    expect(seen).not.toMatch(/sbx[0-9a-f]{12}:/);
  });

  it("does not inherit the worker's environment", async () => {
    process.env.DATABASE_URL = "postgres://user:pw@db/x";
    process.env.GITHUB_TOKEN = "ghs_shouldnotleak000000000000";
    const sandbox = await create({ env: { TASK_VAR: "given" } });

    const result = await sandbox.run("env");

    expect(result.stdout).not.toContain("DATABASE_URL");
    expect(result.stdout).not.toContain("ghs_shouldnotleak");
    expect(result.stdout).toContain("TASK_VAR=given");
    expect(result.stdout).toMatch(/^HOME=.*\/home$/m);
    delete process.env.DATABASE_URL;
    delete process.env.GITHUB_TOKEN;
  });

  it("reaches an allow-listed host on the worker's loopback, and nothing else, with a clear message", async () => {
    const allowedPort = (allowedServer.address() as AddressInfo).port;
    const blockedPort = (blockedServer.address() as AddressInfo).port;
    const sandbox = await create({ allowedHosts: [`127.0.0.1:${allowedPort}`] });
    const lines: string[] = [];

    const allowed = await sandbox.run(`curl -sS --max-time 5 http://127.0.0.1:${allowedPort}/`);
    const start = performance.now();
    const blocked = await sandbox.run(
      `curl -sS --max-time 5 http://127.0.0.1:${blockedPort}/; curl -sS --max-time 5 https://example.com/`,
      { onStderr: (line) => lines.push(line) },
    );
    const blockedMs = performance.now() - start;

    expect(allowed.stdout).toBe("allowed server says hi");
    expect(allowed.exitCode).toBe(0);
    expect(blocked.stdout).not.toContain("leaked");
    expect(blocked.stdout).toContain(`127.0.0.1:${blockedPort} is not on the sandbox's allow-list`);
    expect(lines.join("\n")).toContain("[sandbox] Network access to example.com:443 was blocked");
    expect(blockedMs).toBeLessThan(5000);
  });

  it("has no direct network at all (no interface but loopback, no DNS)", async () => {
    const sandbox = await create();

    const result = await sandbox.run(
      "unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy; curl -sS --max-time 5 http://1.1.1.1/ 2>&1; cat /proc/net/dev | tail -n +3 | cut -d: -f1",
    );

    expect(result.stdout).toMatch(/curl: \(7\)/);
    expect(
      result.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.trim()),
    ).toEqual(["lo"]);
  });

  it("clones from an allow-listed git server through the proxy", async () => {
    const url = await gitServer.createRepo("demo", { "README.md": "hello from git\n" });
    const sandbox = await create({ allowedHosts: [new URL(url).host] });

    const result = await sandbox.run(`git clone -q ${url} repo && cat repo/README.md`);

    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("hello from git\n");
  });

  it("cannot see or signal the worker's processes", async () => {
    const bystander = spawn("sleep", ["30"], { stdio: "ignore" });
    const sandbox = await create();

    const result = await sandbox.run(`kill -9 ${process.pid} ${bystander.pid}; ls /proc | grep -c '^[0-9]'`);

    expect(result.stderr).toContain("No such process");
    expect(Number(result.stdout.trim())).toBeLessThan(10);
    expect(bystander.exitCode).toBeNull();
    expect(() => process.kill(bystander.pid!, 0)).not.toThrow();
    bystander.kill("SIGKILL");
  });

  it("contains a fork bomb within the process limit", async () => {
    const sandbox = await create({ limits: { maxProcesses: 64 } });

    const error = await sandbox
      .run("bomb() { bomb | bomb & }; bomb; sleep 10", { timeoutMs: 3000 })
      .catch((caught: unknown) => caught);
    const events = await readFile(cgroupPath("pids", sandbox.id, "pids.events"), "utf8");
    const after = await sandbox.run("echo alive");

    expect((error as { code?: string }).code).toBe("command_timeout");
    // The kernel refused forks at the limit (and counted them): the bomb never got past 64.
    expect(events).toMatch(/^max [1-9]/m);
    expect(after.stdout).toBe("alive\n");
  });

  it("kills a memory hog at the memory limit", async () => {
    const sandbox = await create({ limits: { memoryMb: 128 } });

    // tail keeps a line without newline in memory: 600 MiB of zeros against a 128 MiB limit.
    const result = await sandbox.run("head -c 600M /dev/zero | tail > /dev/null", { timeoutMs: 20_000 });
    const oom = await readFile(
      cgroupPath("memory", sandbox.id, CGROUP_V2 ? "memory.events" : "memory.oom_control"),
      "utf8",
    );
    const after = await sandbox.run("echo alive");

    expect(result.exitCode).toBe(137);
    expect(oom).toMatch(/^oom_kill [1-9]/m);
    expect(after.stdout).toBe("alive\n");
  });

  it("throttles a sandbox to its CPU quota", async () => {
    const sandbox = await create({ limits: { cpus: 0.2 } });

    await sandbox.run("timeout 1 sh -c 'while :; do :; done'", { timeoutMs: 10_000 });
    const stat = await readFile(cgroupPath("cpu", sandbox.id, "cpu.stat"), "utf8");

    expect(Number(/^nr_throttled (\d+)/m.exec(stat)?.[1])).toBeGreaterThan(0);
  });

  it("stops a CPU spinner at its CPU-seconds limit", async () => {
    const sandbox = await create({ limits: { cpuSeconds: 1 } });

    const start = performance.now();

    const result = await sandbox.run("while :; do :; done", { timeoutMs: 20_000 });

    // SIGXCPU (152) at the soft limit, or SIGKILL (137) at the hard one, long before the wall clock.
    expect([137, 152]).toContain(result.exitCode);
    expect(performance.now() - start).toBeLessThan(8000);
  });

  it("runs Claude Code, node and git inside", async () => {
    const sandbox = await create();

    const result = await sandbox.run(
      "claude --version && node -e 'console.log(process.version)' && git --version",
    );

    expect(result.stdout).toMatch(/^2\.1\.330 \(Claude Code\)\nv24\.\d+\.\d+\ngit version /);
  });

  it("runs a Claude Code session against an allow-listed model server (scripted model test double)", async () => {
    const model = await startScriptedModelServer({
      script: [
        {
          blocks: [
            toolUse("Bash", { command: "echo made-by-agent > agent.txt", description: "write a file" }),
          ],
        },
        { blocks: [text("Done.")] },
      ],
    });
    const sandbox = await create({
      allowedHosts: [new URL(model.url).host],
      env: {
        ANTHROPIC_BASE_URL: model.url,
        ANTHROPIC_API_KEY: "sk-ant-test-double",
        CLAUDE_CODE_MAX_RETRIES: "0",
      },
    });

    const result = await sandbox.run(
      "claude -p 'write the file' --output-format stream-json --verbose --dangerously-skip-permissions --max-turns 3",
      { timeoutMs: 60_000 },
    );
    await model.close();

    expect(result.exitCode).toBe(0);
    expect(await sandbox.readTextFile("agent.txt")).toBe("made-by-agent\n");
    expect(result.stdout).toContain('"type":"result"');
    expect(model.mainRequests().length).toBeGreaterThanOrEqual(2);
  });

  it("expires at its lifetime: running commands stop with sandbox_timeout", async () => {
    const sandbox = await create({ timeoutMs: 1000 });

    const error = await sandbox.run("sleep 30").catch((caught: unknown) => caught);
    const next = await sandbox.run("true").catch((caught: unknown) => caught);

    expect((error as { code?: string }).code).toBe("sandbox_timeout");
    expect((next as { code?: string }).code).toBe("sandbox_timeout");
    expect(existsSync(join(root, sandbox.id))).toBe(false);
  });

  it("stops a command whose output callback throws, and rejects with that error", async () => {
    const sandbox = await create();
    const failure = new Error("parser broke");
    const start = performance.now();

    const error = await sandbox
      .run("echo one; sleep 30", {
        onStdout: () => {
          throw failure;
        },
      })
      .catch((caught: unknown) => caught);

    expect(error).toBe(failure);
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it("rejects an invalid allow-list entry before starting anything", async () => {
    const error = await create({ allowedHosts: ["https://example.com/path"] }).catch(
      (caught: unknown) => caught,
    );

    expect((error as { code?: string }).code).toBe("sandbox_start_failed");
    expect((error as { retryable?: boolean }).retryable).toBe(false);
    expect((error as Error).message).toContain('"https://example.com/path"');
  });

  it("destroyById removes a sandbox it does not hold (a crashed worker's)", async () => {
    const sandbox = await create();
    const other = newProvider();

    await other.destroyById(sandbox.id);
    await other.close();

    expect(existsSync(join(root, sandbox.id))).toBe(false);
  });
});

/** Every command line of the host's processes, joined (what `ps` shows other users). */
function hostCommandLines(): string {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      } catch {
        return "";
      }
    })
    .join("\n");
}

async function listen(body: string): Promise<Server> {
  const server = createServer((_request, response) => response.end(body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return server;
}
