import { readFileSync } from "node:fs";
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Deps } from "../deps.ts";
import type { TaskEventBus } from "../tasks/task-event-bus.ts";
import { TASK_STATUSES } from "../tasks/task-status.ts";
import { listTaskRepositories, listTaskRows } from "./list-task-rows.ts";
import { renderLogin } from "./render-login.ts";
import { createMarkdownRenderer } from "./render-markdown.ts";
import { renderTaskList } from "./render-task-list.ts";
import { renderTaskPage } from "./render-task-page.ts";
import { respondError } from "./respond-error.ts";
import { securityHeaders } from "./security-headers.ts";
import { isAdminKey } from "./session-cookie.ts";
import { streamTaskEvents } from "./stream-task-events.ts";
import { isTaskId } from "./is-task-id.ts";
import { endSession, hasAdminSession, safeNextPath, startSession } from "./web-access.ts";
import { addGitHubSignIn } from "./github-sign-in-routes.ts";
import { createGitHubSessionStore } from "./github-session-store.ts";
import { isGitHubSignInEnabled } from "./github-oauth.ts";
import { verifyTaskToken } from "./task-link.ts";
import { canViewTask, currentViewer, type Viewer } from "./web-viewer.ts";
import type { Task } from "../tasks/task.table.ts";
import { webAccessConfig } from "./web-access-config.ts";

/** What the pages need from the process's deps (src/deps.ts). */
export type WebDeps = Pick<Deps, "config" | "adminApiKey" | "db" | "log" | "tasks" | "redis"> & {
  readonly eventBus: Pick<TaskEventBus, "subscribe">;
};

const ASSETS: Record<string, string> = {
  "web.css": "text/css; charset=utf-8",
  "task-page.js": "text/javascript; charset=utf-8",
};

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const ListQuery = z.object({
  status: z.preprocess(emptyAsUndefined, z.enum(TASK_STATUSES).optional()),
  repository: z.preprocess(emptyAsUndefined, z.string().max(500).optional()),
  cursor: z.preprocess(emptyAsUndefined, z.uuid().optional()),
});

const LoginForm = z.object({ key: z.string().min(1).max(1000), next: z.string().max(2000).optional() });

/** The first render holds at most this many events; the script streams any later ones. */
const MAX_PAGE_EVENTS = 5000;

const Seq = z.coerce.number().int().min(0).max(2_147_483_647);

/** Server-rendered task pages, their live event stream, and admin sign-in. Mounted at the root. */
export function createWebRoutes(deps: WebDeps): Hono {
  const config = webAccessConfig(deps);
  const markdown = createMarkdownRenderer();
  const assets = new Map(
    Object.entries(ASSETS).map(([name, type]) => [
      name,
      { type, body: readFileSync(new URL(`./assets/${name}`, import.meta.url), "utf8") },
    ]),
  );
  const github = isGitHubSignInEnabled(deps.config.github);
  const sessions = github ? createGitHubSessionStore(deps.redis, "cloud-agent") : undefined;
  const app = new Hono();
  // Only on our own paths: this app is mounted at the root next to /v1, /metrics and the dashboard.
  for (const path of ["/tasks", "/tasks/*", "/login", "/login/*", "/logout", "/web-assets/*"])
    app.use(path, securityHeaders());

  app.get("/web-assets/:name", (c) => {
    const asset = assets.get(c.req.param("name"));
    if (asset === undefined) return c.notFound();
    c.header("Cache-Control", "public, max-age=300");
    return c.body(asset.body, 200, { "Content-Type": asset.type });
  });

  app.get("/login", (c) => {
    const next = safeNextPath(c.req.query("next"));
    if (hasAdminSession(c, config)) return c.redirect(next, 303);
    return c.html(renderLogin({ publicUrl: config.publicUrl, next, github }));
  });

  app.post("/login", async (c) => {
    const form = LoginForm.safeParse(await c.req.parseBody());
    const next = safeNextPath(form.success ? form.data.next : undefined);
    if (!form.success) {
      return c.html(
        renderLogin({ publicUrl: config.publicUrl, next, github, error: "Enter the admin API key." }),
        400,
      );
    }
    if (!isAdminKey(config, form.data.key)) {
      deps.log.warn({ ip: c.req.header("x-forwarded-for") }, "Web sign-in refused");
      return c.html(
        renderLogin({ publicUrl: config.publicUrl, next, github, error: "That key is not valid." }),
        401,
      );
    }
    startSession(c, config);
    return c.redirect(next, 303);
  });

  app.post("/logout", async (c) => {
    const viewer = await currentViewer(c, config, sessions);
    if (viewer?.kind === "github") await sessions?.remove(viewer.sessionId);
    endSession(c, config);
    return c.redirect("/login", 303);
  });

  if (sessions !== undefined)
    addGitHubSignIn(app, { config, github: deps.config.github, sessions, log: deps.log });

  app.get("/tasks", async (c) => {
    const viewer = await currentViewer(c, config, sessions);
    if (viewer === undefined) return redirectToLogin(c);
    const query = ListQuery.safeParse(c.req.query());
    if (!query.success) return invalid(c, query.error, true);
    const visible = viewer.kind === "github" ? [...viewer.repositories] : undefined;
    const filter = { ...query.data, limit: 50, visibleRepositories: visible };
    const [page, repositories] = await Promise.all([
      listTaskRows(deps.db, filter),
      listTaskRepositories(deps.db, visible),
    ]);
    return c.html(renderTaskList(page, filter, repositories, config.publicUrl));
  });

  app.get("/tasks/:id", async (c) => {
    const access = await resolveTaskAccess(c, c.req.param("id"));
    if (access.kind !== "ok") return access.response;
    const { task, token, viewer } = access;
    const [events, files] = await Promise.all([
      deps.tasks.listEvents(task.id, 0, MAX_PAGE_EVENTS),
      deps.tasks.listFiles(task.id),
    ]);
    const eventsUrl = `/tasks/${task.id}/events${token === undefined ? "" : `?token=${encodeURIComponent(token)}`}`;
    return c.html(
      renderTaskPage(
        { task, events, files, truncated: events.length >= MAX_PAGE_EVENTS },
        { publicUrl: config.publicUrl, signedIn: viewer !== undefined, eventsUrl, markdown },
      ),
    );
  });

  app.get("/tasks/:id/events", async (c) => {
    const fromHeader = Seq.safeParse(c.req.header("last-event-id") ?? "0");
    if (!fromHeader.success) return invalidField(c, "Last-Event-ID", "must be a whole number");
    const fromQuery = Seq.safeParse(c.req.query("after") ?? "0");
    if (!fromQuery.success) return invalidField(c, "after", "must be a whole number");
    const access = await resolveTaskAccess(c, c.req.param("id"));
    if (access.kind !== "ok") return access.response;
    const after = Math.max(fromHeader.data, fromQuery.data);
    return streamTaskEvents(
      c,
      { tasks: deps.tasks, events: deps.eventBus, log: deps.log, markdown },
      access.task.id,
      after,
    );
  });

  /**
   * Who may read this task: the admin; anyone with its signed link; a GitHub user who can read its
   * repository. Others are sent to sign in, or refused without learning whether the task exists.
   */
  async function resolveTaskAccess(
    c: Context,
    taskId: string,
  ): Promise<
    { kind: "ok"; task: Task; token: string | undefined; viewer: Viewer } | { kind: "no"; response: Response }
  > {
    const viewer = await currentViewer(c, config, sessions);
    const token = c.req.query("token");
    const tokenValid = token !== undefined && token !== "" && verifyTaskToken(config, taskId, token);
    const task = isTaskId(taskId) ? await deps.tasks.getTask(taskId) : undefined;
    if (viewer?.kind === "admin" || tokenValid) {
      if (task === undefined) return { kind: "no", response: notFound(c, viewer !== undefined) };
      return { kind: "ok", task, token: tokenValid ? token : undefined, viewer };
    }
    if (viewer?.kind === "github") {
      if (task !== undefined && canViewTask(viewer, task))
        return { kind: "ok", task, token: undefined, viewer };
      return { kind: "no", response: denied(c, "Your GitHub account cannot read this task's repository.") };
    }
    if (token !== undefined && token !== "") return { kind: "no", response: denied(c) };
    return { kind: "no", response: redirectToLogin(c) };
  }

  function redirectToLogin(c: Context): Response {
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  }

  function denied(
    c: Context,
    message = "This link is not valid for this task, or it has expired.",
  ): Response {
    return respondError(c, {
      status: 403,
      code: "forbidden",
      message,
      field: "token",
      publicUrl: config.publicUrl,
    });
  }

  function notFound(c: Context, signedIn: boolean): Response {
    return respondError(c, {
      status: 404,
      code: "not_found",
      message: "No task with this id.",
      publicUrl: config.publicUrl,
      signedIn,
    });
  }

  function invalidField(c: Context, field: string, message: string): Response {
    return respondError(c, {
      status: 400,
      code: "validation_failed",
      message: `${field} ${message}`,
      field,
      publicUrl: config.publicUrl,
    });
  }

  function invalid(c: Context, error: z.ZodError, signedIn: boolean): Response {
    const issue = error.issues[0];
    const field = issue?.path.join(".") ?? "query";
    return respondError(c, {
      status: 400,
      code: "validation_failed",
      message: `${field}: ${issue?.message ?? "invalid"}`,
      field,
      publicUrl: config.publicUrl,
      signedIn,
    });
  }

  return app;
}
