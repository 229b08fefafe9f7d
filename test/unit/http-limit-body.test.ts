import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { limitBody } from "../../src/http/limit-body.ts";

const MAX = 10;

function limitedApp() {
  const app = new Hono();
  app.onError((error, c) => c.text(error.message, 413));
  app.use(
    limitBody(MAX, () => {
      throw new Error("too large");
    }),
  );
  app.post("/", async (c) => c.text(`read ${(await c.req.text()).length}`));
  app.get("/", (c) => c.text("read 0"));
  return app;
}

describe("limitBody", () => {
  it.each([
    ["a body at the limit", "POST", "x".repeat(MAX), 200, `read ${MAX}`],
    ["a body over the limit", "POST", "x".repeat(MAX + 1), 413, "too large"],
    ["a GET without a body", "GET", undefined, 200, "read 0"],
  ])("counts %s that has no Content-Length: %s → %i", async (_label, method, body, status, text) => {
    const app = limitedApp();

    const response = await app.request("/", { method, ...(body === undefined ? {} : { body }) });

    expect(response.status).toBe(status);
    expect(await response.text()).toBe(text);
  });

  it("refuses by Content-Length alone, before any of the body is read", async () => {
    const app = limitedApp();
    const body = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error("the body was read");
      },
    });

    const response = await app.request("/", {
      method: "POST",
      headers: { "content-length": String(MAX + 1) },
      body,
      duplex: "half",
    });

    expect(response.status).toBe(413);
    expect(await response.text()).toBe("too large");
  });
});
