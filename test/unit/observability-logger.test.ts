import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.ts";
import { deliveryLogger, taskLogger } from "../../src/observability/log-context.ts";
import { createRedactor, REDACTED } from "../../src/security/redact.ts";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, raw, destination };
}

describe("logger", () => {
  it("redacts tokens in messages, context objects and serialized errors", () => {
    const token = `ghs_${"A1b2C3d4".repeat(5)}`;
    const { lines, raw, destination } = capture();
    const redactor = createRedactor(["webhook-secret-value"]);
    const log = createLogger({ level: "info", redactor, destination });

    log.warn(
      {
        err: new Error(`push to https://x-access-token:${token}@github.com failed`),
        secret: "webhook-secret-value",
      },
      "Task step failed",
    );

    expect(raw.join("\n")).not.toContain(token);
    expect(raw.join("\n")).not.toContain("webhook-secret-value");
    expect(lines[0]?.msg).toBe("Task step failed");
    expect((lines[0]?.err as { message: string }).message).toBe(
      `push to https://${REDACTED}@github.com failed`,
    );
  });

  it("puts task id, attempt and delivery id on every line of a task logger", () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: "info", redactor: createRedactor(), destination });
    const task = {
      id: "0b3f9d2e-6c1a-4f8e-9a77-1d2c3b4a5f60",
      delivery_id: "d-1",
      owner: "o",
      repo: "r",
      issue_number: 7,
    };

    taskLogger(log, task, 2).info({ step: "clone" }, "Step started");
    deliveryLogger(log, { id: "d-2", name: "issue_comment" }).info("Delivery received");

    expect(lines[0]).toMatchObject({
      taskId: task.id,
      attempt: 2,
      deliveryId: "d-1",
      repository: "o/r",
      issueNumber: 7,
      step: "clone",
    });
    expect(lines[1]).toMatchObject({ deliveryId: "d-2", event: "issue_comment" });
  });
});
