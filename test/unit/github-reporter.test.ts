import nock from "nock";
import { sql } from "kysely";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/database.ts";
import type { ExecutionResult } from "../../src/execution/executor.ts";
import { createGitHubReporter } from "../../src/report/github-reporter.ts";
import { createRedactor } from "../../src/security/redact.ts";
import { createTaskService } from "../../src/tasks/task.service.ts";
import type { Task } from "../../src/tasks/task.table.ts";
import { API, createTestDb } from "../support/github-probot-harness.ts";

const OWNER = "octo";
const REPO = "hello";
const TOKEN = "ghs_reporterTestToken00000000000000000";

describe("GitHub reporter", () => {
  let db: Db;
  const unmatched: string[] = [];
  const log = pino({ level: "silent" });
  const redactor = createRedactor([TOKEN]);

  beforeAll(async () => {
    db = await createTestDb();
    nock.disableNetConnect();
    nock.emitter.on("no match", (request: { method?: string; path?: string }) =>
      unmatched.push(`${request.method} ${request.path}`),
    );
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await db.destroy();
  });
  beforeEach(async () => {
    unmatched.length = 0;
    await sql`truncate tasks cascade`.execute(db);
  });
  afterEach(() => {
    const problems = [...nock.pendingMocks(), ...unmatched];
    nock.cleanAll();
    expect(problems).toEqual([]);
  });

  function reporter(editIntervalMs = 200) {
    const tasks = createTaskService({
      db,
      redactor,
      log,
      eventBus: {
        publish: () => Promise.resolve(),
        subscribe: () => Promise.resolve(() => Promise.resolve()),
        subscribeStatus: () => Promise.resolve(() => Promise.resolve()),
        close: () => Promise.resolve(),
      },
    });
    const enqueued: string[] = [];
    const octokit = new ProbotOctokit({
      auth: { token: TOKEN },
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    return {
      enqueued,
      reporter: createGitHubReporter({
        db,
        tasks,
        redactor,
        log,
        taskLink: (id) => `https://agent.example.test/tasks/${id}`,
        octokitFor: () => Promise.resolve(octokit),
        enqueue: (id) => {
          enqueued.push(id);
          return Promise.resolve();
        },
        editIntervalMs,
      }),
    };
  }

  async function insertTask(fields: Partial<Task> = {}): Promise<Task> {
    return db
      .insertInto("tasks")
      .values({
        id: crypto.randomUUID(),
        repository_url: `https://github.com/${OWNER}/${REPO}.git`,
        prompt: "add tests",
        status: "running",
        source: "github",
        options: JSON.stringify({ create_pull_request: true, pr_mode: "draft" }),
        owner: OWNER,
        repo: REPO,
        issue_number: 1,
        installation_id: 42,
        progress_comment_id: 9001,
        base_branch: "main",
        work_branch: "agent/issue-1-add-tests",
        attempt: 1,
        requested_by: "alice",
        created_at: new Date(),
        updated_at: new Date(),
        ...fields,
      } as never)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  it("edits the progress comment at most once per interval, ending with the latest step, todos and tool", async () => {
    const task = await insertTask();
    const edits: Array<{ at: number; body: string }> = [];
    nock(API)
      .patch(`/repos/${OWNER}/${REPO}/issues/comments/9001`)
      .times(4)
      .optionally()
      .reply(200, async (request: Request) => {
        edits.push({ at: Date.now(), body: ((await request.json()) as { body: string }).body });
        return {};
      });
    const { reporter: subject } = reporter(300);
    const started = Date.now();

    await subject.onStarted!(task, 1);
    await subject.onEvent!(task, 1, { type: "step", payload: { step: "agent", state: "started" } });
    await subject.onEvent!(task, 1, {
      type: "todo",
      payload: {
        items: [
          { content: "Write tests", status: "in_progress", activeForm: "Writing tests" },
          { content: "Run them", status: "pending" },
        ],
      },
    });
    for (let index = 0; index < 10; index += 1) {
      await subject.onEvent!(task, 1, {
        type: "tool_call",
        payload: { id: `t${index}`, name: "Edit", summary: `Edit src/file-${index}.ts`, input: {} },
      });
    }
    for (let waited = 0; waited < 5000 && !(edits.at(-1)?.body ?? "").includes("file-9"); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const elapsed = Date.now() - started;
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.length).toBeLessThanOrEqual(Math.ceil(elapsed / 300) + 1);
    expect(edits[0]!.body).toContain("Starting the sandbox");
    const last = edits.at(-1)!.body;
    expect(last).toContain("Agent at work: Edit src/file-9.ts");
    expect(last).toContain("- [ ] **Writing tests**");
    expect(last).toContain("- [ ] Run them");
  });

  it("changes nothing on GitHub for an attempt that no longer holds the task", async () => {
    const task = await insertTask({ attempt: 2 });
    const { reporter: subject } = reporter(10);

    await subject.onStarted!(task, 1);
    await subject.onEvent!(task, 1, { type: "step", payload: { step: "agent", state: "started" } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await subject.onFinished!({ ...task, status: "completed" }, 1);
  });

  it("opens one draft PR for an issue task, and reuses it on a retry", async () => {
    const task = await insertTask();
    const result: ExecutionResult = {
      outcome: "changes",
      summary: `Added tests. Token ${TOKEN} must not leak.`,
      costUsd: 0.1,
      numTurns: 3,
      durationMs: 1000,
      sessionId: "s",
      baseBranch: "main",
      workBranch: "agent/issue-1-add-tests",
      commitSha: "c".repeat(40),
      files: [{ path: "a.test.ts", change: "added", additions: 10, deletions: 0, diff: "" }],
      session: null,
    };
    const created: Array<Record<string, unknown>> = [];
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/pulls`)
      .query({ head: `${OWNER}:agent/issue-1-add-tests`, state: "open", per_page: "1" })
      .reply(200, [])
      .get(`/repos/${OWNER}/${REPO}/issues/1`)
      .reply(200, { title: "Tests are missing" })
      .post(`/repos/${OWNER}/${REPO}/pulls`)
      .reply(201, async (request: Request) => {
        created.push((await request.json()) as Record<string, unknown>);
        return { html_url: "https://github.com/octo/hello/pull/5", number: 5 };
      })
      .get(`/repos/${OWNER}/${REPO}/pulls`)
      .query(true)
      .reply(200, [{ html_url: "https://github.com/octo/hello/pull/5", number: 5 }]);
    const { reporter: subject } = reporter();

    await subject.onSucceeded!(task, 1, result);
    await subject.onSucceeded!(task, 1, result);

    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      head: "agent/issue-1-add-tests",
      base: "main",
      draft: true,
      title: "Tests are missing (#1)",
    });
    expect(created[0]!.body).toContain("Resolves #1.");
    expect(created[0]!.body).toContain("`a.test.ts` (added, +10 -0)");
    expect(created[0]!.body).not.toContain(TOKEN);
    const stored = await db
      .selectFrom("tasks")
      .select(["pr_url", "pr_number"])
      .where("id", "=", task.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ pr_url: "https://github.com/octo/hello/pull/5", pr_number: 5 });
  });

  it("opens no PR when the agent changed nothing", async () => {
    const task = await insertTask();
    const { reporter: subject } = reporter();

    await subject.onSucceeded!(task, 1, {
      outcome: "no_changes",
      summary: "Nothing to do",
      costUsd: null,
      numTurns: 1,
      durationMs: 10,
      sessionId: null,
      baseBranch: "main",
      workBranch: null,
      commitSha: null,
      files: [],
      session: null,
    });
  });
});
