import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeCodeExecutorFrom } from "../../src/execution/create-claude-code-executor.ts";
import { startSandbox } from "../../src/execution/start-sandbox.ts";
import { startRedisServer, type RedisServer } from "../fault/support/redis-server.ts";
import { startGitServer, type GitServer } from "../support/git-server.ts";
import { text, toolUse } from "../support/scripted-model/scripted-model-script.ts";
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from "../support/scripted-model/scripted-model-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { startTestApp, TEST_API_KEY, type TestApp } from "../support/test-deps.ts";

// Inside a sandbox, `env`, `/proc/*/environ`, `git config -l` and the filesystem must hold none of
// the service's secrets. Real values sit in the worker's environment and files; the real executor
// clones with an installation-token-shaped credential, runs the real Claude Code CLI in the real
// local sandbox, and the agent (scripted model: a test double) runs the commands; its report is
// pushed, so the test reads exactly what the sandbox saw (no redaction in between).

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;
const secrets = {
  WEBHOOK_SECRET: `whsec-${hex(16)}`,
  DB_PASSWORD: `dbpw${hex(12)}`,
  REDIS_PASSWORD: `redispw${hex(12)}`,
  INSTALLATION_TOKEN: `ghs_${randomBytes(27).toString("base64url").replace(/[-_]/g, "A").slice(0, 36)}`,
  GITHUB_CLIENT_SECRET: `client-${hex(16)}`,
  TASK_LINK_SECRET: `link-${hex(16)}`,
};
const MODEL_KEY = `sk-ant-leaktest-${hex(12)}`;

let database: TestDatabase;
let redis: RedisServer;
let git: GitServer;
let model: ScriptedModelServer;
let app: TestApp;
let keyDir: string;
let databaseUrl: string;
const savedEnv: Record<string, string | undefined> = {};

/** Every value that must never be visible inside a sandbox (PEM: also each of its body lines). */
function needles(): string[] {
  const pemLines = pem.split("\n").filter((line) => line.length >= 40 && !line.startsWith("-----"));
  return [...Object.values(secrets), databaseUrl, redis.url, TEST_API_KEY, ...pemLines];
}

beforeAll(async () => {
  database = await createTestDatabase();
  redis = await startRedisServer({ password: secrets.REDIS_PASSWORD });
  git = await startGitServer({ auth: { username: "x-access-token", password: secrets.INSTALLATION_TOKEN } });
  model = await startScriptedModelServer();
  // The App key file lives outside every folder a sandbox hides by default (/tmp, /root, /home).
  keyDir = await mkdtemp("/var/lib/cloud-agent-leak-");
  await writeFile(join(keyDir, "app.pem"), pem, { mode: 0o600 });
  const url = new URL(database.url);
  url.password = secrets.DB_PASSWORD;
  databaseUrl = url.toString();
  const env: Record<string, string> = {
    APP_ID: "12345",
    PRIVATE_KEY: pem.replace(/\n/g, "\\n"),
    PRIVATE_KEY_PATH: join(keyDir, "app.pem"),
    WEBHOOK_SECRET: secrets.WEBHOOK_SECRET,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    GITHUB_TOKEN: secrets.INSTALLATION_TOKEN,
    GITHUB_CLIENT_SECRET: secrets.GITHUB_CLIENT_SECRET,
    TASK_LINK_SECRET: secrets.TASK_LINK_SECRET,
    ADMIN_API_KEY: TEST_API_KEY,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: MODEL_KEY,
  };
  // The worker's own process environment holds them too (as in production).
  for (const [name, value] of Object.entries(env)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  app = await startTestApp(
    { url: databaseUrl },
    {
      env,
      gitAuth: {
        forTask: () => Promise.resolve({ username: "x-access-token", password: secrets.INSTALLATION_TOKEN }),
      },
      executor: (deps) => claudeCodeExecutorFrom(deps, { agentMaxRetries: 0 }),
    },
  );
  app.startWorker({ concurrency: 1, pollMs: 200 });
}, 90_000);

afterAll(async () => {
  await app?.close();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await model?.close();
  await git?.close();
  await redis?.stop();
  await database?.destroy();
  await rm(keyDir, { recursive: true, force: true });
});

async function waitForFinal(id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const task = (await (await app.request(`/v1/tasks/${id}`)).json()) as Record<string, unknown>;
    if (["completed", "failed", "cancelled"].includes(String(task.status))) return task;
    if (Date.now() > deadline) throw new Error(`Task ${id} stayed ${String(task.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("security: nothing secret inside a sandbox", () => {
  it("env, /proc/*/environ and git config -l in the agent's clone hold none of the secrets", async () => {
    const repoUrl = await git.createRepo("leak", { "README.md": "# leak\n" });
    const report = [
      "{ echo '### env'; env",
      "echo '### environ'; for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\"; done",
      "echo '### git config'; git config -l",
      "echo '### git remote'; git remote -v",
      "echo '### end'; } > leak-report.txt 2>&1",
    ].join("; ");
    model.setScript([
      { blocks: [toolUse("Bash", { command: report, description: "Write the leak report" })] },
      { blocks: [text("Wrote leak-report.txt")] },
    ]);

    const response = await app.request("/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ repository_url: repoUrl, prompt: "Write the leak report" }),
    });
    const { id } = (await response.json()) as { id: string };
    const task = await waitForFinal(id);
    const content = await git.readFile("leak", String(task.work_branch), "leak-report.txt");

    expect(task.status).toBe("completed");
    // The report really ran: the agent's own env and process list are in it.
    expect(content).toContain("### environ");
    expect(content).toContain("### end");
    expect(content).toMatch(/IS_SANDBOX=1/);
    expect(content.split("### environ")[1]?.split("### git config")[0]).toContain("PATH=");
    for (const needle of needles()) expect(content).not.toContain(needle);
    expect(content).not.toContain("x-access-token");
    expect(content).not.toMatch(/PRIVATE KEY/);
    // And nothing of them in what the service stored about the task (redacted at the boundary).
    const events = await database.db
      .selectFrom("task_events")
      .select("payload")
      .where("task_id", "=", id)
      .execute();
    const row = await database.db
      .selectFrom("tasks")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const stored = JSON.stringify({ events, row });
    for (const needle of needles()) expect(stored).not.toContain(needle);
  }, 120_000);

  it("no readable file in the sandbox the executor builds contains any of them", async () => {
    const row = await database.db.selectFrom("tasks").selectAll().limit(1).executeTakeFirstOrThrow();
    const sandbox = await startSandbox(
      {
        config: app.deps.config,
        sandboxes: app.deps.sandboxes,
        gitAuth: app.deps.gitAuth,
        redactor: app.deps.redactor,
        findSessionContent: () => Promise.resolve(undefined),
      },
      row,
      180_000,
    );
    try {
      const needleFile = `${sandbox.homeDir}/needles-${hex(6)}`;
      // A positive control: one harmless marker, planted in the workspace, must be found.
      const control = `leak-control-${hex(8)}`;
      const controlFile = `${sandbox.workdir}/control.txt`;
      await sandbox.writeFile(controlFile, `${control}\n`);
      await sandbox.writeFile(needleFile, `${[...needles(), control].join("\n")}\n`);
      const prune = [
        "/proc",
        "/sys",
        "/dev",
        "/usr",
        "/lib",
        "/lib64",
        "/bin",
        "/sbin",
        "/boot",
        "/snap",
        "/old_root",
        "/farm",
        "/var/lib/apt",
        "/var/lib/dpkg",
        needleFile,
      ]
        .map((path) => `-path ${path}`)
        .join(" -o ");
      const search = `timeout 150 find / \\( ${prune} -o -name node_modules -o -name .git \\) -prune -o -type f -readable -size -4M -print0 2>/dev/null | xargs -0 -r grep -lF -f ${needleFile} 2>/dev/null; echo "search-exit=$?"; find / \\( ${prune} -o -name node_modules -o -name .git \\) -prune -o -type f -readable -size -4M -print 2>/dev/null | wc -l`;

      const result = await sandbox.run(search, { timeoutMs: 170_000 });

      const lines = result.stdout.trim().split("\n");
      const exit = lines.find((line) => line.startsWith("search-exit="));
      const scanned = Number(lines.at(-1));
      const found = lines.filter((line) => line.startsWith("/"));
      expect(found).toEqual([controlFile]);
      // 0 or 123 (some xargs batch matched nothing): the search ran to the end; 124 = time bound hit.
      expect(["search-exit=0", "search-exit=123"]).toContain(exit);
      expect(scanned).toBeGreaterThan(100);
      console.info(`[leak] files searched inside the sandbox: ${scanned}`);
    } finally {
      await sandbox.destroy();
    }
  }, 200_000);
});
