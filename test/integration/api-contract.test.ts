import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { startTestApp, TEST_API_KEY, type TestApp } from "../support/test-deps.ts";
import { createTestExecutor, defaultResult } from "../support/test-executor.ts";

let database: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database, { executor: createTestExecutor([{ kind: "succeed" }]) });
});
afterAll(async () => {
  await app?.close();
  await database?.destroy();
});
beforeEach(async () => {
  await database.truncate();
});

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

async function createTask(body: Record<string, unknown> = {}) {
  const response = await app.request(
    "/v1/tasks",
    json({ repository_url: "https://github.com/octo/hello.git", prompt: "Fix the flaky date test", ...body }),
  );
  expect(response.status).toBe(201);
  return (await response.json()) as Record<string, any>;
}

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string; details: unknown } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error).toHaveProperty("details");
  return body.error;
}

describe("POST /v1/tasks", () => {
  it("creates a queued task with a job whose id is the task id and whose data holds ids only", async () => {
    const task = await createTask({ base_branch: "develop" });

    expect(task).toMatchObject({
      status: "queued",
      source: "api",
      repository_url: "https://github.com/octo/hello.git",
      prompt: "Fix the flaky date test",
      base_branch: "develop",
      result: null,
      attempt: 0,
    });
    expect(task.id).toMatch(/^[0-9a-f-]{36}$/);
    const job = await app.deps.queue.queue.getJob(task.id);
    expect(job?.data).toEqual({ taskId: task.id });
    const row = await database.db
      .selectFrom("tasks")
      .selectAll()
      .where("id", "=", task.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("queued");
    expect(row.queued_at).not.toBeNull();
  });

  it("answers with a Location header", async () => {
    const response = await app.request("/v1/tasks", json({ repository_url: "/srv/repos/a", prompt: "x" }));

    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string };
    expect(response.headers.get("location")).toBe(`http://localhost:3000/v1/tasks/${body.id}`);
  });

  it.each([
    ["https://github.com/octo/hello"],
    ["http://git.internal/octo/hello.git"],
    ["ssh://git@github.com/octo/hello.git"],
    ["git@github.com:octo/hello.git"],
    ["/srv/git/hello"],
    ["file:///srv/git/hello"],
  ])("accepts repository_url %s", async (url) => {
    const task = await createTask({ repository_url: url });

    expect(task.repository_url).toBe(url);
  });

  it.each([
    ["--upload-pack=touch /tmp/pwned", "must not start with '-'"],
    ["-oProxyCommand=x", "must not start with '-'"],
    ["https://github.com/a/b\nx", "control characters"],
    ["https://github.com/a/\u0000b", "control characters"],
    ["ftp://example.com/repo.git", "git URL"],
    ["relative/path", "git URL"],
    ["ext::sh -c touch% /tmp/pwned", "whitespace"],
    ["", "too_small"],
  ])("refuses repository_url %j naming the field", async (url, problem) => {
    const response = await app.request("/v1/tasks", json({ repository_url: url, prompt: "x" }));

    const error = await expectError(response, 400, "validation_failed");
    const details = error.details as Array<{ field: string; message: string }>;
    expect(details.some((d) => d.field === "repository_url")).toBe(true);
    if (problem !== "too_small") expect(JSON.stringify(details)).toContain(problem);
    expect(await database.db.selectFrom("tasks").select("id").execute()).toHaveLength(0);
  });

  it.each([
    ["missing repository_url", { prompt: "x" }, "repository_url"],
    ["missing prompt", { repository_url: "https://github.com/a/b" }, "prompt"],
    ["blank prompt", { repository_url: "https://github.com/a/b", prompt: "   " }, "prompt"],
    ["numeric prompt", { repository_url: "https://github.com/a/b", prompt: 42 }, "prompt"],
    [
      "option-like branch",
      { repository_url: "https://github.com/a/b", prompt: "x", base_branch: "-bad" },
      "base_branch",
    ],
    [
      "branch with ..",
      { repository_url: "https://github.com/a/b", prompt: "x", base_branch: "a..b" },
      "base_branch",
    ],
    ["unknown field", { repository_url: "https://github.com/a/b", prompt: "x", extra: true }, "extra"],
    [
      "100,001-character prompt",
      { repository_url: "https://github.com/a/b", prompt: "x".repeat(100_001) },
      "prompt",
    ],
  ])("refuses a body with %s (400 naming the field)", async (_label, body, field) => {
    const response = await app.request("/v1/tasks", json(body));

    const error = await expectError(response, 400, "validation_failed");
    expect((error.details as Array<{ field: string }>).map((d) => d.field)).toContain(field);
  });

  it("refuses a 1 MB prompt with 413 and creates nothing", async () => {
    const response = await app.request(
      "/v1/tasks",
      json({ repository_url: "https://github.com/a/b", prompt: "x".repeat(1024 * 1024) }),
    );

    await expectError(response, 413, "payload_too_large");
    expect(await database.db.selectFrom("tasks").select("id").execute()).toHaveLength(0);
  });

  it.each([
    ["600 KiB", 600 * 1024, 413],
    ["10 KiB", 10 * 1024, 201],
  ])("judges a chunked body (no Content-Length) of %s as it streams: %i", async (_label, size, status) => {
    const text = JSON.stringify({ repository_url: "https://github.com/a/b", prompt: "y".repeat(size) });
    const bytes = new TextEncoder().encode(text);
    const chunks = [bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    });

    const response = await app.request("/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    });

    expect(response.status).toBe(status);
    if (status === 413) await expectError(response, 413, "payload_too_large");
    const rows = await database.db.selectFrom("tasks").select("prompt").execute();
    expect(rows.map((row) => row.prompt.length)).toEqual(status === 201 ? [size] : []);
  });

  it.each([
    ["{not json", 400, "bad_request"],
    ["", 400, "bad_request"],
    ["[1,2]", 400, "validation_failed"],
    ["null", 400, "validation_failed"],
  ])("answers malformed body %j with %i %s", async (body, status, code) => {
    await expectError(await app.request("/v1/tasks", json(body)), status, code);
  });

  it("answers a non-JSON content type with 415", async () => {
    const response = await app.request("/v1/tasks", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });

    await expectError(response, 415, "unsupported_media_type");
  });
});

describe("authentication", () => {
  it.each([
    ["no header", undefined],
    ["wrong key", `Bearer ${TEST_API_KEY}x`],
    ["prefix of the key", `Bearer ${TEST_API_KEY.slice(0, 10)}`],
    ["basic scheme", `Basic ${TEST_API_KEY}`],
    ["empty bearer", "Bearer "],
  ])("refuses %s with 401 on every /v1 task route", async (_label, header) => {
    const headers = header === undefined ? { authorization: "" } : { authorization: header };
    const id = "00000000-0000-4000-8000-000000000000";
    const routes: Array<[string, string]> = [
      ["POST", "/v1/tasks"],
      ["GET", "/v1/tasks"],
      ["GET", `/v1/tasks/${id}`],
      ["GET", `/v1/tasks/${id}/logs`],
      ["GET", `/v1/tasks/${id}/files`],
      ["GET", `/v1/tasks/${id}/session`],
      ["POST", `/v1/tasks/${id}/cancel`],
    ];
    for (const [method, path] of routes) {
      const response = await fetch(`${app.url}${path}`, { method, headers });
      await expectError(response, 401, "unauthorized");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("sends / to the GitHub App setup page while no APP_ID is set", async () => {
    const response = await fetch(`${app.url}/`, { redirect: "manual" });

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/probot");
  });

  it("serves /health and /v1/openapi.json without a key", async () => {
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect((await fetch(`${app.url}/v1/openapi.json`)).status).toBe(200);
  });
});

describe("GET /v1/tasks", () => {
  it("pages newest first with a cursor until next_cursor is null", async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await createTask({ prompt: `task ${i}` })).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? "" : `&cursor=${cursor}`;
      const response = await app.request(`/v1/tasks?limit=3${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { data: Array<{ id: string }>; next_cursor: string | null };
      seen.push(...page.data.map((task) => task.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null);

    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
  });

  it("filters by status and repository", async () => {
    const a = await createTask({ repository_url: "https://github.com/octo/a" });
    await createTask({ repository_url: "https://github.com/octo/b" });
    await app.request(`/v1/tasks/${a.id}/cancel`, { method: "POST" });

    const byRepo = (await (
      await app.request("/v1/tasks?repository=https://github.com/octo/b")
    ).json()) as any;
    const byStatus = (await (await app.request("/v1/tasks?status=cancelled")).json()) as any;

    expect(byRepo.data.map((t: any) => t.repository_url)).toEqual(["https://github.com/octo/b"]);
    expect(byStatus.data.map((t: any) => t.id)).toEqual([a.id]);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["status=done", "status"],
    ["cursor=not-a-cursor", "cursor"],
    ["unknown=1", "unknown"],
  ])("refuses ?%s naming %s", async (query, field) => {
    const error = await expectError(await app.request(`/v1/tasks?${query}`), 400, "validation_failed");
    expect(JSON.stringify(error.details)).toContain(field);
  });
});

describe("GET /v1/tasks/{id}", () => {
  it("returns the task", async () => {
    const task = await createTask();

    const response = await app.request(`/v1/tasks/${task.id}`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: task.id,
      status: "queued",
      links: { logs: expect.stringContaining("/logs") },
    });
  });

  it("answers an unknown id with 404 and an invalid one with 400", async () => {
    await expectError(await app.request("/v1/tasks/00000000-0000-4000-8000-000000000000"), 404, "not_found");
    const error = await expectError(await app.request("/v1/tasks/not-a-uuid"), 400, "validation_failed");
    expect(JSON.stringify(error.details)).toContain("id");
  });
});

describe("logs, files, session", () => {
  it("pages events with ?after and streams them as server-sent events that end with the task", async () => {
    const task = await createTask();
    for (let i = 0; i < 5; i++) {
      await app.deps.tasks.appendEvent(task.id, {
        type: "log",
        payload: { stream: "stdout", line: `line ${i}` },
      });
    }

    const first = (await (await app.request(`/v1/tasks/${task.id}/logs?limit=3`)).json()) as any;
    const rest = (await (
      await app.request(`/v1/tasks/${task.id}/logs?after=${first.next_after}`)
    ).json()) as any;

    expect(first.data.map((e: any) => e.seq)).toEqual([1, 2, 3]);
    expect(first.has_more).toBe(true);
    expect(rest.data.map((e: any) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(rest.has_more).toBe(false);
    expect(rest.task_status).toBe("queued");
    expect(first.data[0]).toMatchObject({ type: "status", payload: { from: null, to: "pending" } });

    const controller = new AbortController();
    const response = await app.request(`/v1/tasks/${task.id}/logs`, {
      headers: { accept: "text/event-stream", "last-event-id": "5" },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await readUntil("id: 7");
    expect(text).not.toContain("id: 5\n");
    expect(text).toContain("id: 6\n");

    // Live: an event appended now arrives, then cancelling ends the stream.
    await app.deps.tasks.appendEvent(task.id, { type: "assistant_text", payload: { text: "live!" } });
    await readUntil("live!");
    await app.request(`/v1/tasks/${task.id}/cancel`, { method: "POST" });
    await readUntil("event: end");
    expect(text).toContain('"to":"cancelled"');
    const { done } = await reader.read();
    expect(done).toBe(true);
  });

  it("serves files and session once a run produced them; 404 for a missing session", async () => {
    const task = await createTask();
    expect(((await (await app.request(`/v1/tasks/${task.id}/files`)).json()) as any).data).toEqual([]);
    await expectError(await app.request(`/v1/tasks/${task.id}/session`), 404, "not_found");

    const claimed = await app.deps.tasks.claimAttempt(task.id);
    await app.deps.tasks.updateIfAttempt(task.id, claimed!.attempt, { work_branch: "cloud-agent/fix-date" });
    await app.deps.tasks.saveArtifacts(task.id, claimed!.attempt, defaultResult.files, defaultResult.session);

    const files = (await (await app.request(`/v1/tasks/${task.id}/files`)).json()) as any;
    const session = (await (await app.request(`/v1/tasks/${task.id}/session`)).json()) as any;
    const raw = await app.request(`/v1/tasks/${task.id}/session?format=jsonl`);

    expect(files.data).toEqual([{ ...defaultResult.files[0], old_path: null }]);
    expect(session).toMatchObject({
      task_id: task.id,
      session_id: "session-test-1",
      relative_path: "-workspace/session-test-1.jsonl",
      work_branch: "cloud-agent/fix-date",
    });
    expect(session.resume.commands.join("\n")).toContain("claude --resume session-test-1");
    expect(session.resume.commands.join("\n")).toContain("git checkout cloud-agent/fix-date");
    expect(raw.headers.get("content-type")).toMatch(/ndjson/);
    expect(await raw.text()).toBe('{"type":"user"}\n');
  });
});

describe("POST /v1/tasks/{id}/cancel", () => {
  it("cancels a queued task, removes its job, and answers 409 once it has ended", async () => {
    const task = await createTask();

    const response = await app.request(`/v1/tasks/${task.id}/cancel`, { method: "POST" });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "cancelled", error: { code: "cancelled" } });
    expect(await app.deps.queue.queue.getJob(task.id)).toBeUndefined();
    const again = await expectError(
      await app.request(`/v1/tasks/${task.id}/cancel`, { method: "POST" }),
      409,
      "conflict",
    );
    expect(again.message).toContain("cancelled");
  });

  it("answers 404 for an unknown task", async () => {
    await expectError(
      await app.request("/v1/tasks/00000000-0000-4000-8000-000000000000/cancel", { method: "POST" }),
      404,
      "not_found",
    );
  });
});

describe("unknown routes and methods", () => {
  it.each([
    ["GET", "/nope", 404, "not_found"],
    ["GET", "/v1/nope", 404, "not_found"],
    ["DELETE", "/v1/tasks", 405, "method_not_allowed"],
    ["PUT", "/v1/tasks/00000000-0000-4000-8000-000000000000", 405, "method_not_allowed"],
    ["GET", "/v1/tasks/00000000-0000-4000-8000-000000000000/cancel", 405, "method_not_allowed"],
    ["POST", "/health", 405, "method_not_allowed"],
  ])("%s %s → %i", async (method, path, status, code) => {
    const response = await app.request(path, { method });

    await expectError(response, status, code);
    if (status === 405) expect(response.headers.get("allow")).toBeTruthy();
  });
});

describe("GET /health", () => {
  it("reports db and redis", async () => {
    const response = await fetch(`${app.url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", db: { ok: true }, redis: { ok: true } });
  });
});

describe("GET /v1/openapi.json", () => {
  it("describes every route with parameters, bodies and responses, and every $ref resolves inside it", async () => {
    const doc = (await (await fetch(`${app.url}/v1/openapi.json`)).json()) as any;

    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(doc.paths).flatMap(([path, item]: [string, any]) =>
      Object.entries(item).map(([method, op]: [string, any]) => ({ path, method, op })),
    );
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual(
      [
        "GET /health",
        "GET /v1/openapi.json",
        "GET /v1/tasks",
        "GET /v1/tasks/{id}",
        "GET /v1/tasks/{id}/files",
        "GET /v1/tasks/{id}/logs",
        "GET /v1/tasks/{id}/session",
        "POST /v1/tasks",
        "POST /v1/tasks/{id}/cancel",
      ].sort(),
    );
    for (const { path, op } of operations) {
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      if (path.includes("{id}"))
        expect(op.parameters.some((p: any) => p.name === "id" && p.in === "path")).toBe(true);
      if (op.security !== undefined) expect(op.responses["401"]).toBeDefined();
    }
    expect(doc.paths["/v1/tasks"].post.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/CreateTaskBody",
    );
    const body = doc.components.schemas.CreateTaskBody;
    expect(body.required.sort()).toEqual(["prompt", "repository_url"]);
    expect(body.additionalProperties).toBe(false);
    expect(doc.paths["/v1/tasks"].get.parameters.map((p: any) => p.name).sort()).toEqual([
      "cursor",
      "limit",
      "repository",
      "status",
    ]);

    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const pointer = ref.slice(8, -1);
      expect(pointer.startsWith("#/")).toBe(true);
      const target = pointer
        .slice(2)
        .split("/")
        .reduce((node: any, key) => node?.[key], doc);
      expect(target, pointer).toBeDefined();
    }
  });
});
