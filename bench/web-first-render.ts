/**
 * First render of a task page with 1,000 events (goal: < 200 ms on this machine).
 * Real PostgreSQL (a fresh database), the web process's HTTP app and server; the page is fetched
 * over HTTP with its signed link, body read to the end. Run: node_modules/.bin/node bench/web-first-render.ts
 */
import { performance } from "node:perf_hooks";
import { createDeps } from "../src/deps.ts";
import { createHttpApp } from "../src/http/app.ts";
import { startHttpServer } from "../src/http/server.ts";
import type { TaskEventInput } from "../src/tasks/task-event.ts";
import { createMarkdownRenderer } from "../src/web/render-markdown.ts";
import { renderTaskPage } from "../src/web/render-task-page.ts";
import { createTaskLink } from "../src/web/task-link.ts";
import { webAccessConfig } from "../src/web/web-access-config.ts";
import { createTestDatabase } from "../test/support/test-db.ts";
import { latencyFigure, reportFigures } from "./support/bench-report.ts";
import { createTestConfig, silentLogger, uniqueQueueName } from "../test/support/test-deps.ts";

const EVENTS = 1000;
const RUNS = 40;

function eventAt(n: number): TaskEventInput {
  const output = `PASS src/module-${n}.test.ts\n${"  ✓ a test line with some <html> & output\n".repeat(30)}`;
  switch (n % 8) {
    case 0:
      return {
        type: "assistant_text",
        payload: {
          text: `Step ${n}: I'll check **module ${n}**.\n\n- one\n- two\n\n\`\`\`ts\nconst x = ${n};\n\`\`\``,
        },
      };
    case 1:
    case 3:
      return {
        type: "tool_call",
        payload: {
          id: `toolu_${n}`,
          name: "Bash",
          summary: `npm test -- module-${n}`,
          input: { command: `npm test -- module-${n}`, description: "run tests" },
        },
      };
    case 2:
    case 4:
      return {
        type: "tool_result",
        payload: { tool_use_id: `toolu_${n - 1}`, is_error: n % 16 === 4, output, truncated: false },
      };
    case 5:
      return { type: "log", payload: { stream: "stdout", line: `setup line ${n}` } };
    case 6:
      return {
        type: "todo",
        payload: {
          items: Array.from({ length: 6 }, (_, i) => ({
            content: `item ${i}`,
            status: i < n % 6 ? "completed" : "pending",
          })),
        },
      };
    default:
      return { type: "step", payload: { step: "agent", state: "started" } };
  }
}

function diffOf(n: number): string {
  const lines = ["--- a/f.ts", "+++ b/f.ts", "@@ -1,40 +1,40 @@"];
  for (let i = 0; i < 40; i += 1)
    lines.push(
      i % 3 === 0
        ? `-const v${i} = "${n}"; // old`
        : i % 3 === 1
          ? `+const v${i} = "${n + 1}"; // new`
          : ` return v${i};`,
    );
  return lines.join("\n");
}

const testDb = await createTestDatabase();
const config = createTestConfig({ DATABASE_URL: testDb.url });
const deps = createDeps(config, { db: testDb.db, log: silentLogger(), queueName: uniqueQueueName("bench") });
const server = await startHttpServer({ app: createHttpApp(deps), port: 0, host: "127.0.0.1", log: deps.log });
try {
  const task = await deps.tasks.createTask({
    repository_url: "https://github.com/acme/widgets",
    prompt: "bench",
    source: "api",
    options: {},
    status: "queued",
  });
  const claimed = (await deps.tasks.claimAttempt(task.id))!;
  // createTask and claimAttempt already wrote the first events (status, attempt).
  const first = (await deps.tasks.listEvents(task.id, 0, 100)).length;
  for (let n = first; n < EVENTS; n += 1)
    await deps.tasks.appendEvent(task.id, eventAt(n), { attempt: claimed.attempt });
  const files = Array.from({ length: 10 }, (_, n) => ({
    path: `src/f${n}.ts`,
    change: "modified" as const,
    additions: 13,
    deletions: 14,
    diff: diffOf(n),
  }));
  await deps.tasks.saveArtifacts(task.id, claimed.attempt, files, null);
  const stored = await deps.tasks.listEvents(task.id, 0, 5000);
  const link = createTaskLink(webAccessConfig(deps), task.id).replace(config.publicUrl, server.url);

  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < RUNS + 5; run += 1) {
    const start = performance.now();
    const response = await fetch(link);
    const body = await response.text();
    const elapsed = performance.now() - start;
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    bytes = body.length;
    if (run >= 5) times.push(elapsed); // the first 5 warm up the JIT and the connection pool
  }
  // Where the time goes: the database reads and the HTML rendering, measured in-process.
  const queryTimes: number[] = [];
  const renderTimes: number[] = [];
  const markdown = createMarkdownRenderer();
  for (let run = 0; run < RUNS; run += 1) {
    let start = performance.now();
    const [row, events, changed] = await Promise.all([
      deps.tasks.getTask(task.id),
      deps.tasks.listEvents(task.id, 0, 5000),
      deps.tasks.listFiles(task.id),
    ]);
    queryTimes.push(performance.now() - start);
    start = performance.now();
    renderTaskPage(
      { task: row!, events, files: changed },
      { publicUrl: config.publicUrl, signedIn: false, eventsUrl: "/x", markdown },
    );
    renderTimes.push(performance.now() - start);
  }
  reportFigures([
    latencyFigure(`Task page first render, ${stored.length} events (HTTP, full body)`, times, "< 200 ms"),
    latencyFigure("Task page first render: database reads", queryTimes),
    latencyFigure("Task page first render: HTML rendering", renderTimes),
    { name: "Task page HTML size, 1,000 events", unit: "KB", value: Math.round(bytes / 1024) },
  ]);
} finally {
  await server.close();
  await deps.queue.queue.obliterate({ force: true }).catch(() => undefined);
  await deps.close();
  await testDb.destroy();
}
