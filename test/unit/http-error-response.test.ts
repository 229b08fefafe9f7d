import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.ts";
import { createErrorHandler } from "../../src/http/error-response.ts";
import { createRedactor } from "../../src/security/redact.ts";

function appThrowing(error: unknown) {
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
  const app = new Hono();
  app.onError(createErrorHandler(log, createRedactor(["hunter2-secret-value"])));
  app.get("/", () => {
    throw error;
  });
  return { app, lines };
}

describe("createErrorHandler", () => {
  it("answers an unexpected error with a bare 500 envelope and logs it", async () => {
    const { app, lines } = appThrowing(new Error("db password hunter2-secret-value at /srv/x.ts:12"));

    const response = await app.request("/");

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: "internal_error", message: "Internal server error", details: null },
    });
    expect(lines.join("")).toContain("Unhandled request error");
  });

  it("keeps an AppError's status and code and redacts its message and details", async () => {
    const { app } = appThrowing(
      new AppError("conflict", "token hunter2-secret-value", { details: { key: "hunter2-secret-value" } }),
    );

    const response = await app.request("/");

    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: { code: "conflict", message: "token [REDACTED]", details: { key: "[REDACTED]" } },
    });
  });

  it.each([
    [413, "payload_too_large"],
    [401, "unauthorized"],
    [400, "bad_request"],
  ] as const)("maps an HTTPException %i to %s", async (status, code) => {
    const { app } = appThrowing(new HTTPException(status, { message: "nope" }));

    const response = await app.request("/");

    expect(response.status).toBe(status);
    expect(((await response.json()) as any).error.code).toBe(code);
  });

  it("logs 5xx AppErrors", async () => {
    const { app, lines } = appThrowing(new AppError("service_unavailable", "queue down"));

    const response = await app.request("/");

    expect(response.status).toBe(503);
    expect(lines.join("")).toContain("Request failed");
  });
});
