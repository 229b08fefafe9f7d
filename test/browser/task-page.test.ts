import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTaskLink } from "../../src/web/task-link.ts";
import { completeTask, createRunningTask, failTask } from "./seed-task.ts";
import { ARTIFACTS_DIR, startWebHarness, type WebHarness } from "./web-harness.ts";

// Task pages in headless Chromium against the real server, PostgreSQL and Redis event bus. Events
// are appended through the tasks service, as the worker does, while the page is open.

let h: WebHarness;

beforeAll(async () => {
  h = await startWebHarness();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function openPage(taskId: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await h.browser.newPage({ viewport });
  await page.goto(createTaskLink(h.config, taskId));
  return page;
}

/** The transcript's seq numbers, in page order. */
async function seqsOnPage(page: Page): Promise<number[]> {
  return page.$$eval("#transcript > li[data-seq]", (items) =>
    items.map((item) => Number(item.getAttribute("data-seq"))),
  );
}

async function waitForLive(page: Page): Promise<void> {
  await page.locator("#live-status", { hasText: "Live" }).waitFor();
}

describe("task page", () => {
  it("shows a completed task's transcript, todo list and diff, and tool rows open by keyboard", async () => {
    const { id, attempt } = await createRunningTask(h.tasks);
    await completeTask(h.tasks, id, attempt);
    const page = await openPage(id);

    await expect(page.locator("#task-status").textContent()).resolves.toBe("completed");
    await expect(page.locator("#transcript .ev-text strong").first().textContent()).resolves.toBe(
      "flaky date test",
    );
    const tool = page.locator("details.tool").first();
    await expect(tool.locator(".tool-name").textContent()).resolves.toBe("Bash");
    await expect(tool.locator(".tool-summary").textContent()).resolves.toBe("npm test -- date");
    await expect(tool.evaluate((el) => (el as unknown as { open: boolean }).open)).resolves.toBe(false);
    await tool.locator("summary").focus();
    await page.keyboard.press("Enter");
    await expect(tool.evaluate((el) => (el as unknown as { open: boolean }).open)).resolves.toBe(true);
    await expect(tool.locator(".tool-output pre").textContent()).resolves.toContain(
      "expected 11/22 to be 11/23",
    );
    await page.screenshot({ path: join(ARTIFACTS_DIR, "task-completed.png"), fullPage: true });
    await page.keyboard.press("Enter");
    await expect(tool.evaluate((el) => (el as unknown as { open: boolean }).open)).resolves.toBe(false);
    const todos = page.locator("#todo .todo-list li");
    await expect(todos.count()).resolves.toBe(3);
    await expect(page.locator("#todo input[type=checkbox]:checked").count()).resolves.toBe(3);
    await expect(page.locator("#diff .file-name").textContent()).resolves.toBe("src/date.ts");
    await expect(page.locator("#diff .dl-add").count()).resolves.toBe(2);
    await expect(page.locator("#diff .dl-del").count()).resolves.toBe(2);
    await expect(page.locator("#diff .dl-add .tok-k").first().textContent()).resolves.toBe("export");
    await expect(page.locator("h1").count()).resolves.toBe(1);
    await expect(page.locator("h2").allTextContents()).resolves.toEqual(
      expect.arrayContaining(["Transcript", "Todo", "Changes"]),
    );
    await page.close();
  });

  it("reads fine with JavaScript off and on a phone-sized screen", async () => {
    const { id, attempt } = await createRunningTask(h.tasks);
    await completeTask(h.tasks, id, attempt);
    const context = await h.browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    await page.goto(createTaskLink(h.config, id));

    await expect(page.locator("#transcript .ev-text").count()).resolves.toBe(2);
    await expect(page.locator("#diff details.file").count()).resolves.toBe(1);
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, "task-completed-phone.png"), fullPage: true });
    await context.close();
  });

  it("shows a running task's new events as the worker appends them, without reloading", async () => {
    const { id, attempt } = await createRunningTask(h.tasks);
    const page = await openPage(id);
    await waitForLive(page);
    await page.evaluate("window.loadedOnce = true");
    await page.screenshot({ path: join(ARTIFACTS_DIR, "task-running.png"), fullPage: true });

    await h.tasks.appendEvent(
      id,
      { type: "assistant_text", payload: { text: "Now editing `src/date.ts`." } },
      { attempt },
    );
    await h.tasks.appendEvent(
      id,
      {
        type: "tool_call",
        payload: {
          id: "toolu_02",
          name: "Edit",
          summary: "src/date.ts",
          input: { file_path: "src/date.ts" },
        },
      },
      { attempt },
    );
    await page.locator("#tool-toolu_02 .tool-state", { hasText: "running" }).waitFor();
    await h.tasks.appendEvent(
      id,
      {
        type: "tool_result",
        payload: { tool_use_id: "toolu_02", is_error: false, output: "edited 2 lines", truncated: false },
      },
      { attempt },
    );
    await page.locator("#tool-toolu_02 .tool-state", { hasText: "done" }).waitFor();

    await expect(page.locator(".ev-text code", { hasText: "src/date.ts" }).count()).resolves.toBe(1);
    await expect(page.locator("#tool-toolu_02-out pre").textContent()).resolves.toBe("edited 2 lines");
    await completeTask(h.tasks, id, attempt);
    await page.locator("#task-status", { hasText: "completed" }).waitFor();
    await page.locator("#diff .file-name", { hasText: "src/date.ts" }).waitFor();
    await page.locator("#live-status", { hasText: "Task finished." }).waitFor();
    await expect(page.locator("#todo input[type=checkbox]:checked").count()).resolves.toBe(3);
    await expect(page.evaluate<boolean | undefined>("window.loadedOnce")).resolves.toBe(true);
    const seqs = await seqsOnPage(page);
    expect(new Set(seqs).size).toBe(seqs.length);
    await page.close();
  });

  it("shows earlier events once and new ones after when opened mid-run", async () => {
    const { id, attempt } = await createRunningTask(h.tasks);
    const before = await h.tasks.listEvents(id, 0, 1000);
    const page = await openPage(id);
    await waitForLive(page);

    for (let n = 1; n <= 3; n += 1) {
      await h.tasks.appendEvent(
        id,
        { type: "log", payload: { stream: "stdout", line: `line ${n}` } },
        { attempt },
      );
    }
    await page.locator(".ev-log", { hasText: "line 3" }).waitFor();

    const all = await h.tasks.listEvents(id, 0, 1000);
    const expected = all
      .filter((event) => !["todo", "tool_result"].includes(event.type))
      .map((event) => event.seq);
    await expect(seqsOnPage(page)).resolves.toEqual(expected);
    expect(all.length).toBe(before.length + 3);
    await expect(page.locator(".ev-log", { hasText: "line 1" }).count()).resolves.toBe(1);
    await page.close();
  });

  it("reconnects after a dropped connection without losing or repeating events", async () => {
    const { id, attempt } = await createRunningTask(h.tasks);
    const page = await openPage(id);
    await waitForLive(page);

    h.server.server.closeAllConnections();
    for (let n = 1; n <= 5; n += 1) {
      await h.tasks.appendEvent(
        id,
        { type: "log", payload: { stream: "stdout", line: `after drop ${n}` } },
        { attempt },
      );
    }
    await page.locator(".ev-log", { hasText: "after drop 5" }).waitFor({ timeout: 15_000 });
    await h.tasks.appendEvent(
      id,
      { type: "log", payload: { stream: "stdout", line: "after reconnect" } },
      { attempt },
    );
    await page.locator(".ev-log", { hasText: "after reconnect" }).waitFor();

    const all = await h.tasks.listEvents(id, 0, 1000);
    const expected = all
      .filter((event) => !["todo", "tool_result"].includes(event.type))
      .map((event) => event.seq);
    await expect(seqsOnPage(page)).resolves.toEqual(expected);
    for (let n = 1; n <= 5; n += 1) {
      await expect(page.locator(".ev-log", { hasText: `after drop ${n}` }).count()).resolves.toBe(1);
    }
    await page.close();
  });

  it("the event stream resumes after Last-Event-ID with id = seq and ends once a finished task is sent", async () => {
    const { id, attempt } = await createRunningTask(h.tasks);
    await completeTask(h.tasks, id, attempt);
    const all = await h.tasks.listEvents(id, 0, 1000);
    const token = new URL(createTaskLink(h.config, id)).searchParams.get("token")!;

    const response = await fetch(`${h.baseUrl}/tasks/${id}/events?token=${encodeURIComponent(token)}`, {
      headers: { "last-event-id": "4" },
    });
    const body = await response.text();

    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const ids = [...body.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(ids).toEqual(all.filter((event) => event.seq > 4).map((event) => event.seq));
    expect(body.trimEnd().endsWith(`event: end\ndata: ${all.at(-1)!.seq}`)).toBe(true);
    const bad = await fetch(`${h.baseUrl}/tasks/${id}/events?token=${encodeURIComponent(token)}&after=-1`);
    expect(bad.status).toBe(400);
    await expect(bad.json()).resolves.toMatchObject({ error: { details: { field: "after" } } });
  });

  it("renders tool output and agent text containing <script> as text, in the first render and live", async () => {
    const payload = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
    const { id, attempt } = await createRunningTask(h.tasks, {
      events: [
        {
          type: "tool_call",
          payload: {
            id: "toolu_x",
            name: "Bash",
            summary: "<b>cat</b> evil.html",
            input: { command: payload },
          },
        },
        {
          type: "tool_result",
          payload: { tool_use_id: "toolu_x", is_error: false, output: payload, truncated: false },
        },
        { type: "assistant_text", payload: { text: `Look: ${payload}` } },
      ],
    });
    const page = await openPage(id);
    await waitForLive(page);
    await h.tasks.appendEvent(
      id,
      { type: "tool_call", payload: { id: "toolu_y", name: "Read", summary: "evil", input: {} } },
      { attempt },
    );
    await h.tasks.appendEvent(
      id,
      {
        type: "tool_result",
        payload: { tool_use_id: "toolu_y", is_error: true, output: payload, truncated: false },
      },
      { attempt },
    );
    await page.locator("#tool-toolu_y .tool-state", { hasText: "error" }).waitFor();

    await expect(page.locator("#tool-toolu_x-out pre").textContent()).resolves.toBe(payload);
    await expect(page.locator("#tool-toolu_y-out pre").textContent()).resolves.toBe(payload);
    await expect(page.locator("#tool-toolu_x .tool-summary").textContent()).resolves.toBe(
      "<b>cat</b> evil.html",
    );
    await expect(page.locator(".ev-text").first().textContent()).resolves.toContain(
      "<script>window.pwned = 1</script>",
    );
    await expect(page.locator("#transcript script, #transcript img").count()).resolves.toBe(0);
    await expect(page.evaluate<number | undefined>("window.pwned")).resolves.toBeUndefined();
    await page.close();
  });

  it("puts the failing step and message at the top of a failed task", async () => {
    const { id, attempt } = await createRunningTask(h.tasks);
    await failTask(h.tasks, id, attempt);
    const page = await openPage(id);

    const banner = page.locator("#task-summary .failure");
    await expect(banner.locator("h2").textContent()).resolves.toBe("Failed in step push");
    await expect(banner.textContent()).resolves.toContain("rejected by branch protection");
    await expect(page.locator("#task-status").textContent()).resolves.toBe("failed");
    await page.screenshot({ path: join(ARTIFACTS_DIR, "task-failed.png"), fullPage: true });
    await page.close();
  });
});
