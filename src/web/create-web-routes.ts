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
import { endSession, hasAdminSession, safeNextPath, startSession, taskAccess } from "./web-access.ts";
import { webAccessConfig } from "./web-access-config.ts";

/** What the pages need from the process's deps (src/deps.ts). */
export type WebDeps = Pick<Deps, "config" | "adminApiKey" | "db" | "log" | "tasks"> & {
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
  const app = new Hono();
  // Only on our own paths: this app is mounted at the root next to /v1, /metrics and the dashboard.
  for (const path of ["/tasks", "/tasks/*", "/login", "/logout", "/web-assets/*"])
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
    return c.html(renderLogin({ publicUrl: config.publicUrl, next }));
  });

  app.post("/login", async (c) => {
    const form = LoginForm.safeParse(await c.req.parseBody());
    const next = safeNextPath(form.success ? form.data.next : undefined);
    if (!form.success) {
      return c.html(
        renderLogin({ publicUrl: config.publicUrl, next, error: "Enter the admin API key." }),
        400,
      );
    }
    if (!isAdminKey(config, form.data.key)) {
      deps.log.warn({ ip: c.req.header("x-forwarded-for") }, "Web sign-in refused");
      return c.html(renderLogin({ publicUrl: config.publicUrl, next, error: "That key is not valid." }), 401);
    }
    startSession(c, config);
    return c.redirect(next, 303);
  });

  app.post("/logout", (c) => {
    endSession(c, config);
    return c.redirect("/login", 303);
  });

  app.get("/tasks", async (c) => {
    if (!hasAdminSession(c, config)) return redirectToLogin(c);
    const query = ListQuery.safeParse(c.req.query());
    if (!query.success) return invalid(c, query.error, true);
    const filter = { ...query.data, limit: 50 };
    const [page, repositories] = await Promise.all([
      listTaskRows(deps.db, filter),
      listTaskRepositories(deps.db),
    ]);
    return c.html(renderTaskList(page, filter, repositories, config.publicUrl));
  });

  app.get("/tasks/:id", async (c) => {
    const taskId = c.req.param("id");
    const access = taskAccess(c, config, taskId);
    if (access === "none") return redirectToLogin(c);
    if (access === "bad-token") return denied(c);
    const task = isTaskId(taskId) ? await deps.tasks.getTask(taskId) : undefined;
    if (task === undefined) return notFound(c, access === "admin");
    const [events, files] = await Promise.all([
      deps.tasks.listEvents(taskId, 0, MAX_PAGE_EVENTS),
      deps.tasks.listFiles(taskId),
    ]);
    const token = access === "token" ? c.req.query("token") : undefined;
    const eventsUrl = `/tasks/${task.id}/events${token === undefined ? "" : `?token=${encodeURIComponent(token)}`}`;
    return c.html(
      renderTaskPage(
        { task, events, files, truncated: events.length >= MAX_PAGE_EVENTS },
        { publicUrl: config.publicUrl, signedIn: access === "admin", eventsUrl, markdown },
      ),
    );
  });

  app.get("/tasks/:id/events", async (c) => {
    const taskId = c.req.param("id");
    const access = taskAccess(c, config, taskId);
    if (access === "none") {
      return respondError(c, {
        status: 401,
        code: "unauthorized",
        message: "Sign in or use the task's signed link.",
        publicUrl: config.publicUrl,
      });
    }
    if (access === "bad-token") return denied(c);
    const fromHeader = Seq.safeParse(c.req.header("last-event-id") ?? "0");
    if (!fromHeader.success) return invalidField(c, "Last-Event-ID", "must be a whole number");
    const fromQuery = Seq.safeParse(c.req.query("after") ?? "0");
    if (!fromQuery.success) return invalidField(c, "after", "must be a whole number");
    const task = isTaskId(taskId) ? await deps.tasks.getTask(taskId) : undefined;
    if (task === undefined) return notFound(c, access === "admin");
    const after = Math.max(fromHeader.data, fromQuery.data);
    return streamTaskEvents(
      c,
      { tasks: deps.tasks, events: deps.eventBus, log: deps.log, markdown },
      taskId,
      after,
    );
  });

  function redirectToLogin(c: Context): Response {
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  }

  function denied(c: Context): Response {
    return respondError(c, {
      status: 403,
      code: "forbidden",
      message: "This link is not valid for this task, or it has expired.",
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
