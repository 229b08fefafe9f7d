import { z } from "zod";
import {
  CreateTaskBody,
  ErrorBody,
  Health,
  ListTasksQuery,
  LogsQuery,
  SessionQuery,
  TaskFiles,
  TaskIdParams,
  TaskJson,
  TaskList,
  TaskLogs,
  TaskSession,
  TaskStatusSchema,
  MAX_BODY_BYTES,
  MAX_PROMPT_LENGTH,
} from "./schema.ts";

type JsonObject = Record<string, unknown>;

/** Named schemas under #/components/schemas, generated from the same zod schemas the API parses with. */
function componentSchemas(): Record<string, unknown> {
  const inputs = z.registry<{ id: string }>();
  inputs.add(CreateTaskBody, { id: "CreateTaskBody" });
  const outputs = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({
    Task: TaskJson,
    TaskStatus: TaskStatusSchema,
    TaskList,
    TaskLogs,
    TaskFiles,
    TaskSession,
    Error: ErrorBody,
    Health,
  })) {
    outputs.add(schema, { id });
  }
  const uri = (id: string) => `#/components/schemas/${id}`;
  const options = { uri, unrepresentable: "any" as const };
  const input = z.toJSONSchema(inputs, { ...options, io: "input" }).schemas;
  const output = z.toJSONSchema(outputs, { ...options, io: "output" }).schemas;
  return stripSchemaKeys({ ...output, ...input });
}

function stripSchemaKeys(schemas: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const rest = { ...(schema as JsonObject) };
    delete rest.$schema;
    delete rest.id;
    delete rest.$id;
    out[id] = rest;
  }
  return out;
}

/** OpenAPI parameters from a zod object (query or path). */
function parameters(schema: z.ZodObject, location: "query" | "path"): JsonObject[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const json = z.toJSONSchema(field as z.ZodType, { io: "input", unrepresentable: "any" }) as JsonObject;
    const { description, ...rest } = json;
    delete rest.$schema;
    return {
      name,
      in: location,
      required: location === "path" || !(field as z.ZodType).safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({
  description,
  content: { "application/json": { schema: ref(id) } },
});
const error = (description: string) => json("Error", description);
const common = {
  "400": error("Invalid input: the message and details name each bad field"),
  "401": error("Missing or wrong bearer token"),
};
const idParam = parameters(TaskIdParams, "path");
const notFound = { "404": error("No task with this id") };
const security = [{ bearerAuth: [] }];

/** The OpenAPI 3.1 document of /v1 and /health; self-contained (every $ref points inside it). */
export function buildOpenApiDocument(publicUrl: string): JsonObject {
  return {
    openapi: "3.1.0",
    info: {
      title: "Cloud Agent API",
      version: "1",
      description:
        'Tasks run Claude Code on a repository in an isolated sandbox. Authenticate with `Authorization: Bearer <ADMIN_API_KEY>`. Errors always answer `{"error": {"code", "message", "details"}}`.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
      schemas: componentSchemas(),
    },
    paths: {
      "/v1/tasks": {
        post: {
          operationId: "createTask",
          summary: "Create a task and queue it at once",
          security,
          requestBody: {
            required: true,
            description: `JSON body of at most ${MAX_BODY_BYTES} bytes; prompt at most ${MAX_PROMPT_LENGTH} characters; unknown fields are refused`,
            content: { "application/json": { schema: ref("CreateTaskBody") } },
          },
          responses: {
            "201": json("Task", "The created task (status queued)"),
            ...common,
            "413": error("Body too large"),
            "415": error("Body is not JSON"),
            "503": error("The queue (Redis) is unreachable; no task was created"),
          },
        },
        get: {
          operationId: "listTasks",
          summary: "List tasks, newest first, with cursor pagination",
          security,
          parameters: parameters(ListTasksQuery, "query"),
          responses: { "200": json("TaskList", "One page of tasks"), ...common },
        },
      },
      "/v1/tasks/{id}": {
        get: {
          operationId: "getTask",
          summary: "One task",
          security,
          parameters: idParam,
          responses: { "200": json("Task", "The task"), ...common, ...notFound },
        },
      },
      "/v1/tasks/{id}/logs": {
        get: {
          operationId: "getTaskLogs",
          summary:
            "The task's events in order; with Accept: text/event-stream, a live stream that ends with the task",
          security,
          parameters: [
            ...idParam,
            ...parameters(LogsQuery, "query"),
            {
              name: "Last-Event-ID",
              in: "header",
              required: false,
              description: "Event stream only: resume after this seq",
              schema: { type: "string", pattern: "^\\d+$" },
            },
          ],
          responses: {
            "200": {
              description:
                "Events (JSON page) or an event stream (each event: id = seq, event = type, data = the event JSON; a final `end` event)",
              content: {
                "application/json": { schema: ref("TaskLogs") },
                "text/event-stream": { schema: { type: "string" } },
              },
            },
            ...common,
            ...notFound,
          },
        },
      },
      "/v1/tasks/{id}/files": {
        get: {
          operationId: "getTaskFiles",
          summary: "Files the task changed, with unified diffs (empty until the executor produced them)",
          security,
          parameters: idParam,
          responses: { "200": json("TaskFiles", "Changed files"), ...common, ...notFound },
        },
      },
      "/v1/tasks/{id}/session": {
        get: {
          operationId: "getTaskSession",
          summary: "The agent's session, to resume it locally with Claude Code",
          security,
          parameters: [...idParam, ...parameters(SessionQuery, "query")],
          responses: {
            "200": {
              description: "The session (format=json) or the raw JSONL file (format=jsonl)",
              content: {
                "application/json": { schema: ref("TaskSession") },
                "application/x-ndjson": { schema: { type: "string" } },
              },
            },
            ...common,
            "404": error("No such task, or it has no session yet"),
          },
        },
      },
      "/v1/tasks/{id}/cancel": {
        post: {
          operationId: "cancelTask",
          summary: "Cancel a pending, queued or running task (a running one is stopped within seconds)",
          security,
          parameters: idParam,
          responses: {
            "200": json("Task", "The cancelled task"),
            ...common,
            ...notFound,
            "409": error("The task has already ended"),
          },
        },
      },
      "/v1/openapi.json": {
        get: {
          operationId: "getOpenApi",
          summary: "This document",
          responses: {
            "200": {
              description: "OpenAPI 3.1 document",
              content: { "application/json": { schema: { type: "object" } } },
            },
          },
        },
      },
      "/health": {
        get: {
          operationId: "health",
          summary: "Database and Redis status",
          responses: {
            "200": json("Health", "Both reachable"),
            "503": json("Health", "PostgreSQL or Redis unreachable"),
          },
        },
      },
    },
  };
}
