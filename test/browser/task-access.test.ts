import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTaskLink } from "../../src/web/task-link.ts";
import { createRunningTask, failTask } from "./seed-task.ts";
import { startWebHarness, type WebHarness } from "./web-harness.ts";

// Who sees what: signed per-task links, the admin sign-in cookie, and the filtered task list.

let h: WebHarness;

beforeAll(async () => {
  h = await startWebHarness();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("task page access", () => {
  it("a signed link opens its own task and not another", async () => {
    const mine = await createRunningTask(h.tasks, { prompt: "task one: rename the helper" });
    const other = await createRunningTask(h.tasks, { prompt: "task two: secret migration plan" });
    const link = createTaskLink(h.config, mine.id);
    const context = await h.browser.newContext();
    const page = await context.newPage();

    const own = await page.goto(link);
    expect(own?.status()).toBe(200);
    await expect(page.locator(".prompt-text").textContent()).resolves.toBe("task one: rename the helper");
    await page.locator("#live-status", { hasText: "Live" }).waitFor();

    const token = new URL(link).searchParams.get("token")!;
    const foreign = await page.goto(`${h.baseUrl}/tasks/${other.id}?token=${encodeURIComponent(token)}`);
    expect(foreign?.status()).toBe(403);
    await expect(page.content()).resolves.not.toContain("secret migration plan");
    const stream = await page.request.get(
      `${h.baseUrl}/tasks/${other.id}/events?token=${encodeURIComponent(token)}`,
    );
    expect(stream.status()).toBe(403);

    const tampered = await page.goto(link.slice(0, -1) + (link.endsWith("A") ? "B" : "A"));
    expect(tampered?.status()).toBe(403);
    const expired = createTaskLink(h.config, mine.id, Date.now() - h.config.taskLinkTtlMs - 1000);
    expect((await page.goto(expired))?.status()).toBe(403);

    await page.goto(`${h.baseUrl}/tasks/${mine.id}`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.goto(`${h.baseUrl}/tasks?token=${encodeURIComponent(token)}`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });

  it("signs in with the admin key into an http-only cookie, and signs out", async () => {
    const task = await createRunningTask(h.tasks);
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/tasks/${task.id}`);

    await page.getByLabel("Admin API key").fill("not-the-key-at-all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#login-error").textContent()).resolves.toBe("That key is not valid.");
    await page.getByLabel("Admin API key").fill(h.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`**/tasks/${task.id}`);
    await expect(page.locator("#task-status").textContent()).resolves.toBe("running");

    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: "ca_session", httpOnly: true, sameSite: "Lax" });
    expect(cookies[0]!.value).not.toContain(h.adminKey);
    await expect(page.evaluate<string>("document.cookie")).resolves.toBe("");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login");
    await page.goto(`${h.baseUrl}/tasks`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });
});

describe("task list", () => {
  it("lists newest first, filters by status and repository, and pages with a cursor", async () => {
    await h.testDb.truncate();
    const failed = await createRunningTask(h.tasks, {
      repository: "https://github.com/acme/api",
      prompt: "broken one",
    });
    await failTask(h.tasks, failed.id, failed.attempt);
    for (let n = 1; n <= 52; n += 1) {
      await createRunningTask(h.tasks, {
        repository: "https://github.com/acme/widgets",
        prompt: `widget task ${n}`,
        events: [],
      });
    }
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/tasks`);
    await page.getByLabel("Admin API key").fill(h.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/tasks");

    const prompts = page.locator("#task-table .prompt-cell");
    await expect(prompts.count()).resolves.toBe(50);
    await expect(prompts.first().textContent()).resolves.toBe("widget task 52");
    await page.locator("#next-page").click();
    await expect(prompts.allTextContents()).resolves.toEqual([
      "widget task 2",
      "widget task 1",
      "broken one",
    ]);

    await page.goto(`${h.baseUrl}/tasks`);
    await page.getByLabel("Status").selectOption("failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(prompts.allTextContents()).resolves.toEqual(["broken one"]);

    await page.getByLabel("Status").selectOption("");
    await page.getByLabel("Repository").selectOption("https://github.com/acme/api");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(prompts.allTextContents()).resolves.toEqual(["broken one"]);
    await page.getByLabel("Repository").selectOption("https://github.com/acme/widgets");
    await page.getByLabel("Status").selectOption("completed");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page.locator("#no-tasks").isVisible()).resolves.toBe(true);

    const bad = await page.request.get(`${h.baseUrl}/tasks?status=bogus`);
    expect(bad.status()).toBe(400);
    await expect(bad.json()).resolves.toMatchObject({
      error: { code: "validation_failed", details: { field: "status" } },
    });
    await context.close();
  });
});
