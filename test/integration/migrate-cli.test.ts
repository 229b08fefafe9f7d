import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../support/test-db.ts";

const BIN = fileURLToPath(new URL("../../src/bin/cloud-agent.ts", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let database: Awaited<ReturnType<typeof createEmptyDatabase>>;

beforeAll(async () => {
  database = await createEmptyDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("cloud-agent migrate", () => {
  it("lets two processes migrate an empty database at once: one applies, the other finds nothing to do", async () => {
    const env = { DATABASE_URL: database.url };

    const [first, second] = await Promise.all([
      runCli(["migrate", "up"], env),
      runCli(["migrate", "up"], env),
    ]);

    expect([first.code, second.code]).toEqual([0, 0]);
    const outputs = [first.stdout, second.stdout];
    expect(outputs.filter((out) => out.includes("Applied 2026-11-23T00-00-initial-schema"))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes("Nothing to do."))).toHaveLength(1);
    const status = await runCli(["migrate", "status"], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/2026-11-23T00-00-initial-schema {2}applied /);
    expect(status.stdout).not.toContain("pending");
  });

  it("reverts the last migration with down, and status shows it pending", async () => {
    const env = { DATABASE_URL: database.url };
    const applied = (await runCli(["migrate", "status"], env)).stdout.trim().split("\n");

    const down = await runCli(["migrate", "down"], env);
    const status = await runCli(["migrate", "status"], env);

    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/^Reverted /);
    const last = applied.at(-1)!.split("  ")[0]!;
    expect(status.stdout).toContain(`${last}  pending`);
    expect((await runCli(["migrate", "up"], env)).stdout).toContain(`Applied ${last}`);
  });

  it("prints every bad variable as a list and exits 1", async () => {
    const run = await runCli(["migrate", "status"], {
      DATABASE_URL: "mysql://nope",
      PORT: "99999",
      WORKER_CONCURRENCY: "zero",
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Invalid configuration:");
    expect(run.stderr).toMatch(/- DATABASE_URL: /);
    expect(run.stderr).toMatch(/- PORT: /);
    expect(run.stderr).toMatch(/- WORKER_CONCURRENCY: /);
  });

  it("refuses an unknown command or migrate action with usage and exit 1", async () => {
    const unknown = await runCli(["launch"], {});
    const action = await runCli(["migrate", "sideways"], { DATABASE_URL: database.url });

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Usage: cloud-agent");
    expect(action.code).toBe(1);
    expect(action.stderr).toContain("migrate up|down|status");
  });
});
