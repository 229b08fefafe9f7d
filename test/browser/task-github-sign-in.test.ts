import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunningTask } from "./seed-task.ts";
import { startFakeGitHubOAuth, type FakeGitHubOAuth } from "./fake-github-oauth.ts";
import { startWebHarness, type WebHarness } from "./web-harness.ts";

// Sign in with GitHub: the App's OAuth flow against a fake GitHub (test double); the user then sees
// only tasks of repositories they can read.

let github: FakeGitHubOAuth;
let h: WebHarness;

beforeAll(async () => {
  github = await startFakeGitHubOAuth("octocat", ["Acme/Widgets"]);
  h = await startWebHarness({
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await github?.close();
});

describe("sign in with GitHub", () => {
  it("shows only the tasks of repositories the user can read", async () => {
    const readable = await createRunningTask(h.tasks, {
      repository: "https://github.com/acme/widgets",
      prompt: "visible task",
    });
    const hidden = await createRunningTask(h.tasks, {
      repository: "https://github.com/acme/secret",
      prompt: "hidden task",
    });
    const context = await h.browser.newContext();
    const page = await context.newPage();

    await page.goto(`${h.baseUrl}/tasks`);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL(`${h.baseUrl}/tasks`);

    await expect(page.locator("#task-table .prompt-cell").allTextContents()).resolves.toEqual([
      "visible task",
    ]);
    await expect(page.locator("#filter-repository option").allTextContents()).resolves.toEqual([
      "Any",
      "acme/widgets",
    ]);
    expect((await page.goto(`${h.baseUrl}/tasks/${readable.id}`))?.status()).toBe(200);
    await page.locator("#live-status", { hasText: "Live" }).waitFor();
    const denied = await page.goto(`${h.baseUrl}/tasks/${hidden.id}`);
    expect(denied?.status()).toBe(403);
    await expect(page.content()).resolves.not.toContain("hidden task");
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name)).toEqual(["ca_gh_session"]);
    expect(cookies[0]!.value).not.toContain("ghu_");

    await page.goto(`${h.baseUrl}/tasks`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.goto(`${h.baseUrl}/tasks/${readable.id}`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });

  it("refuses a callback that did not start in this browser", async () => {
    const response = await fetch(
      `${h.baseUrl}/login/github/callback?code=code-from-fake-github&state=forged`,
    );

    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toMatchObject({ error: { details: { field: "state" } } });
  });
});
