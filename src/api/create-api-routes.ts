import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { bearerAuth } from "./bearer-auth.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import { parseInput } from "./parse-input.ts";
import { readJsonBody } from "./read-json-body.ts";
import { resumeCommands } from "./resume-commands.ts";
import { CreateTaskBody, ListTasksQuery, LogsQuery, SessionQuery, TaskIdParams } from "./schema.ts";
import { streamTaskLogs } from "./stream-task-logs.ts";
import { toTaskJson } from "./to-task-json.ts";
import { resolveGitHubRepository } from "../github/resolve-github-repository.ts";

export type ApiDeps = Pick<
  Deps,
  "config" | "tasks" | "eventBus" | "submitTask" | "cancelTask" | "adminApiKey" | "log" | "db"
>;

/** The /v1 REST API (mounted at /v1). Every route but the OpenAPI document needs the bearer key. */
export function createApiRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const publicUrl = deps.config.publicUrl;
  const document = buildOpenApiDocument(publicUrl);

  app.get("/openapi.json", (c) => c.json(document));
  // "/tasks/*" also matches "/tasks" itself: one check per request.
  app.use(
    "/tasks/*",
    bearerAuth(() => deps.adminApiKey),
  );

  app.post("/tasks", async (c) => {
    const body = parseInput(CreateTaskBody, await readJsonBody(c), "body");
    // A GitHub repository the app is installed on: its installation token, and a PR if asked.
    const github = await resolveGitHubRepository(deps.db, deps.config.github, body.repository_url);
    const task = await deps.submitTask({
      source: "api",
      repository_url: body.repository_url,
      prompt: body.prompt,
      base_branch: body.base_branch ?? null,
      requested_by: "api",
      ...(github ?? {}),
      ...(body.create_pull_request === undefined
        ? {}
        : { options: { create_pull_request: body.create_pull_request } }),
    });
    c.header("Location", `${publicUrl}/v1/tasks/${task.id}`);
    return c.json(toTaskJson(task, publicUrl), 201);
  });

  app.get("/tasks", async (c) => {
    const query = parseInput(ListTasksQuery, c.req.query(), "query");
    const page = await deps.tasks.listTasks(query);
    return c.json({
      data: page.tasks.map((task) => toTaskJson(task, publicUrl)),
      next_cursor: page.nextCursor,
    });
  });

  app.get("/tasks/:id", async (c) => {
    const { id } = parseInput(TaskIdParams, c.req.param(), "path");
    return c.json(toTaskJson(await deps.tasks.requireTask(id), publicUrl));
  });

  app.get("/tasks/:id/logs", async (c) => {
    const { id } = parseInput(TaskIdParams, c.req.param(), "path");
    const query = parseInput(LogsQuery, c.req.query(), "query");
    const task = await deps.tasks.requireTask(id);
    if ((c.req.header("accept") ?? "").includes("text/event-stream")) {
      const lastEventId = c.req.header("last-event-id");
      const resumeFrom =
        lastEventId !== undefined && /^\d{1,10}$/.test(lastEventId) ? Number(lastEventId) : query.after;
      return streamSSE(c, (stream) => streamTaskLogs(deps, id, stream, { afterSeq: resumeFrom }));
    }
    const events = await deps.tasks.listEvents(id, query.after, query.limit + 1);
    const page = events.slice(0, query.limit);
    return c.json({
      data: page,
      next_after: page.at(-1)?.seq ?? query.after,
      has_more: events.length > query.limit,
      task_status: task.status,
    });
  });

  app.get("/tasks/:id/files", async (c) => {
    const { id } = parseInput(TaskIdParams, c.req.param(), "path");
    await deps.tasks.requireTask(id);
    const files = await deps.tasks.listFiles(id);
    return c.json({ data: files.map((file) => ({ ...file, old_path: file.old_path ?? null })) });
  });

  app.get("/tasks/:id/session", async (c) => {
    const { id } = parseInput(TaskIdParams, c.req.param(), "path");
    const { format } = parseInput(SessionQuery, c.req.query(), "query");
    const task = await deps.tasks.requireTask(id);
    const session = await deps.tasks.getSession(id);
    if (session === undefined) throw new AppError("not_found", "This task has no agent session (yet).");
    if (format === "jsonl") {
      return c.body(session.content, 200, { "Content-Type": "application/x-ndjson; charset=utf-8" });
    }
    return c.json({
      task_id: id,
      session_id: session.sessionId,
      relative_path: session.relativePath,
      work_branch: task.work_branch,
      content: session.content,
      resume: { commands: resumeCommands(task, session, publicUrl) },
    });
  });

  app.post("/tasks/:id/cancel", async (c) => {
    const { id } = parseInput(TaskIdParams, c.req.param(), "path");
    const cancelled = await deps.cancelTask(id, "Cancelled through the API");
    if (cancelled !== undefined) return c.json(toTaskJson(cancelled, publicUrl));
    const task = await deps.tasks.requireTask(id);
    throw new AppError("conflict", `Task ${id} has already ended (${task.status}); it cannot be cancelled.`, {
      details: { status: task.status },
    });
  });

  return app;
}
