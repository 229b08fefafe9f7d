import { rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { FAULT_ADMIN_KEY, faultEnv } from "./support/fault-env.ts";
import { startRedisServer, type RedisServer } from "./support/redis-server.ts";
import { spawnService, type ServiceProcess } from "./support/service-process.ts";

// Fault case: malformed and hostile input on every /v1 route, against the real `cloud-agent serve`
// process on real PostgreSQL and Redis. Must hold: a 4xx JSON error naming the problem, never a
// 5xx or a stack trace, no task created, and the process keeps serving.

const TASK = "0b3f9d2e-6c1a-4f8e-9a77-1d2c3b4a5f60";
const auth = { authorization: `Bearer ${FAULT_ADMIN_KEY}` };
const json = { ...auth, "content-type": "application/json" };
const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;

interface Case {
  readonly name: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly status: number;
  /** A field the error must name (in details or message). */
  readonly field?: string;
}

const cases: Case[] = [
  {
    name: "POST /tasks: truncated JSON",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: '{"repository_url":',
    status: 400,
  },
  {
    name: "POST /tasks: not JSON",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: "repository_url=x",
    status: 400,
  },
  {
    name: "POST /tasks: empty body",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: "",
    status: 400,
  },
  {
    name: "POST /tasks: text/plain",
    method: "POST",
    path: "/v1/tasks",
    headers: { ...auth, "content-type": "text/plain" },
    body: "{}",
    status: 415,
  },
  {
    name: "POST /tasks: JSON array",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: "[]",
    status: 400,
    field: "body",
  },
  {
    name: "POST /tasks: JSON null",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: "null",
    status: 400,
    field: "body",
  },
  {
    name: "POST /tasks: JSON string",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: '"x"',
    status: 400,
    field: "body",
  },
  {
    name: "POST /tasks: 100k-deep nesting",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: deep,
    status: 400,
  },
  {
    name: "POST /tasks: missing prompt",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: '{"repository_url":"https://github.com/o/r.git"}',
    status: 400,
    field: "prompt",
  },
  {
    name: "POST /tasks: prompt of wrong type",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: '{"repository_url":"https://github.com/o/r.git","prompt":5}',
    status: 400,
    field: "prompt",
  },
  {
    name: "POST /tasks: unknown field",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: '{"repository_url":"https://github.com/o/r.git","prompt":"x","admin":true}',
    status: 400,
    field: "admin",
  },
  {
    name: "POST /tasks: option-like repository",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: '{"repository_url":"--upload-pack=touch /tmp/x","prompt":"x"}',
    status: 400,
    field: "repository_url",
  },
  {
    name: "POST /tasks: control chars in repository",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: '{"repository_url":"https://github.com/o/r\\u0000.git","prompt":"x"}',
    status: 400,
    field: "repository_url",
  },
  {
    name: "POST /tasks: bad branch",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: '{"repository_url":"https://github.com/o/r.git","prompt":"x","base_branch":"../../etc"}',
    status: 400,
    field: "base_branch",
  },
  {
    name: "POST /tasks: invalid UTF-8",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    status: 400,
  },
  {
    name: "POST /tasks: 600 KB body",
    method: "POST",
    path: "/v1/tasks",
    headers: json,
    body: JSON.stringify({ repository_url: "https://github.com/o/r.git", prompt: "x".repeat(600_000) }),
    status: 413,
  },
  {
    name: "POST /tasks: no auth",
    method: "POST",
    path: "/v1/tasks",
    headers: { "content-type": "application/json" },
    body: "{",
    status: 401,
  },
  {
    name: "GET /tasks: limit not a number",
    method: "GET",
    path: "/v1/tasks?limit=abc",
    headers: auth,
    status: 400,
    field: "limit",
  },
  {
    name: "GET /tasks: limit too large",
    method: "GET",
    path: "/v1/tasks?limit=100000",
    headers: auth,
    status: 400,
    field: "limit",
  },
  {
    name: "GET /tasks: unknown status",
    method: "GET",
    path: "/v1/tasks?status=bogus",
    headers: auth,
    status: 400,
    field: "status",
  },
  {
    name: "GET /tasks: garbage cursor",
    method: "GET",
    path: "/v1/tasks?cursor=%7B%22x%22%3A1%7D",
    headers: auth,
    status: 400,
  },
  {
    name: "GET /tasks: unknown parameter",
    method: "GET",
    path: "/v1/tasks?sql=drop",
    headers: auth,
    status: 400,
    field: "sql",
  },
  {
    name: "GET /tasks/:id: not a uuid",
    method: "GET",
    path: "/v1/tasks/'%20or%201=1",
    headers: auth,
    status: 400,
    field: "id",
  },
  { name: "GET /tasks/:id: unknown", method: "GET", path: `/v1/tasks/${TASK}`, headers: auth, status: 404 },
  {
    name: "GET /tasks/:id/logs: after not a number",
    method: "GET",
    path: `/v1/tasks/${TASK}/logs?after=x`,
    headers: auth,
    status: 400,
    field: "after",
  },
  {
    name: "GET /tasks/:id/logs: bad id",
    method: "GET",
    path: "/v1/tasks/123/logs",
    headers: auth,
    status: 400,
    field: "id",
  },
  {
    name: "GET /tasks/:id/files: bad id",
    method: "GET",
    path: "/v1/tasks/..%2F..%2Fetc/files",
    headers: auth,
    status: 400,
    field: "id",
  },
  {
    name: "GET /tasks/:id/session: bad format",
    method: "GET",
    path: `/v1/tasks/${TASK}/session?format=xml`,
    headers: auth,
    status: 400,
    field: "format",
  },
  {
    name: "POST /tasks/:id/cancel: malformed body",
    method: "POST",
    path: `/v1/tasks/${TASK}/cancel`,
    headers: json,
    body: '{"reason":',
    status: 404,
  },
  {
    name: "POST /tasks/:id/cancel: bad id",
    method: "POST",
    path: "/v1/tasks/nope/cancel",
    headers: json,
    body: "{}",
    status: 400,
    field: "id",
  },
  { name: "POST /tasks/:id/cancel: no auth", method: "POST", path: `/v1/tasks/${TASK}/cancel`, status: 401 },
  {
    name: "POST /tasks/:id: wrong method",
    method: "POST",
    path: "/v1/tasks/" + TASK,
    headers: json,
    body: "{}",
    status: 405,
  },
];

/** Raw HTTP, so bodies fetch would refuse (invalid UTF-8) go out byte for byte. */
function send(baseUrl: string, testCase: Case): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const body = testCase.body === undefined ? undefined : Buffer.from(testCase.body);
    const request = httpRequest(
      `${baseUrl}${testCase.path}`,
      {
        method: testCase.method,
        headers: {
          ...testCase.headers,
          ...(body === undefined ? {} : { "content-length": String(body.length) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            type: String(response.headers["content-type"] ?? ""),
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

describe("fault: malformed input on every /v1 route", () => {
  let database: TestDatabase;
  let redis: RedisServer;
  let service: ServiceProcess;
  let baseUrl: string;
  let dataDir = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedisServer();
    const setup = await faultEnv({ databaseUrl: database.url, redisUrl: redis.url });
    baseUrl = setup.baseUrl;
    dataDir = setup.env.DATA_DIR ?? "";
    service = await spawnService("serve", setup.env);
  }, 60_000);

  afterAll(async () => {
    await service?.kill("SIGTERM");
    await redis?.stop();
    await database?.destroy();
    if (dataDir !== "") await rm(dataDir, { recursive: true, force: true });
  });

  it.each(cases)("$name → $status", async (testCase) => {
    const response = await send(baseUrl, testCase);

    expect(response.status).toBe(testCase.status);
    expect(response.type).toContain("application/json");
    const body = JSON.parse(response.text) as { error: { code: string; message: string; details: unknown } };
    expect(typeof body.error.code).toBe("string");
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(response.text).not.toMatch(/\.ts:\d+|at async|node:internal|Error:/);
    if (testCase.field !== undefined) {
      expect(JSON.stringify(body.error.details) + body.error.message).toContain(testCase.field);
    }
  });

  it("serves /metrics and the queue dashboard only with the admin key", async () => {
    const anonymous = await fetch(`${baseUrl}/metrics`);
    const metrics = await fetch(`${baseUrl}/metrics`, { headers: auth });
    const dashboard = await fetch(`${baseUrl}/admin/queues`);
    const dashboardWithKey = await fetch(`${baseUrl}/admin/queues/api/queues`, { headers: auth });

    expect(anonymous.status).toBe(401);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('cloud_agent_tasks{status="queued"} 0');
    expect(text).toContain('cloud_agent_queue_jobs{queue="cloud-agent-tasks",state="waiting"} 0');
    expect(text).toContain("cloud_agent_process_resident_memory_bytes");
    expect(dashboard.status).toBe(401);
    expect(dashboardWithKey.status).toBe(200);
  });

  it("keeps serving, created no task and logged no unhandled error", async () => {
    const health = await fetch(`${baseUrl}/health`);
    const tasks = await database.db.selectFrom("tasks").select("id").execute();

    expect(health.status).toBe(200);
    expect(tasks).toEqual([]);
    expect(service.child.exitCode).toBeNull();
    expect(service.logs.filter((line) => line.msg === "Unhandled request error")).toEqual([]);
  });
});
