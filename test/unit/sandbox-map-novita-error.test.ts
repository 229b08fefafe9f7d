import {
  AuthenticationError,
  CommandExitError,
  InvalidArgumentError,
  NotEnoughSpaceError,
  RateLimitError,
  SandboxNotFoundError,
  ServiceBusyError,
  TemplateError,
  TimeoutError,
} from "e2b";
import { describe, expect, it } from "vitest";
import { mapNovitaError } from "../../src/sandbox/map-novita-error.ts";
import { SandboxError } from "../../src/sandbox/sandbox-error.ts";
import { toEgressRules } from "../../src/sandbox/to-egress-rules.ts";
import { parseHostEntry } from "../../src/sandbox/parse-host-entry.ts";

describe("mapNovitaError", () => {
  it.each([
    [new AuthenticationError("401"), "create", "sandbox_start_failed", false],
    [new RateLimitError("429"), "create", "sandbox_start_failed", true],
    [new ServiceBusyError("503"), "create", "sandbox_start_failed", true],
    [new RateLimitError("429"), "run", "sandbox_gone", true],
    [new TemplateError("old envd"), "create", "sandbox_start_failed", false],
    [new InvalidArgumentError("no such template"), "create", "sandbox_start_failed", false],
    [new SandboxNotFoundError("gone"), "run", "sandbox_gone", true],
    [new TimeoutError("slow"), "create", "sandbox_start_failed", true],
    [new TimeoutError("unavailable"), "run", "sandbox_timeout", false],
    [new NotEnoughSpaceError("disk"), "file", "sandbox_gone", false],
    [new Error("ECONNRESET"), "create", "sandbox_start_failed", true],
  ] as const)("%s during %s → %s (retryable %s)", (error, operation, code, retryable) => {
    const mapped = mapNovitaError(error, operation) as SandboxError;

    expect(mapped).toBeInstanceOf(SandboxError);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.cause).toBe(error);
  });

  it("names NOVITA_API_KEY when the key is rejected", () => {
    const mapped = mapNovitaError(new AuthenticationError("invalid"), "create") as SandboxError;

    expect(mapped.message).toContain("NOVITA_API_KEY");
  });

  it("passes through errors it has no meaning for", () => {
    const plain = new Error("file missing");
    const exit = new CommandExitError({ exitCode: 1, stdout: "", stderr: "" });

    expect(mapNovitaError(plain, "file")).toBe(plain);
    expect(mapNovitaError(exit, "file")).toBe(exit);
  });
});

describe("toEgressRules", () => {
  it("denies all traffic except the allow-listed hosts, without ports (E2B filters by host)", () => {
    const allowed = ["github.com", "api.anthropic.com:443", "github.com:443", "[::1]:80"].map((entry) =>
      parseHostEntry(entry)!,
    );

    expect(toEgressRules(allowed)).toEqual({
      allowOut: ["github.com", "api.anthropic.com", "::1"],
      denyOut: ["0.0.0.0/0"],
    });
  });
});
