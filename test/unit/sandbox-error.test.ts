import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.ts";
import { checkLocalSandboxDependencies } from "../../src/sandbox/local-runtime.ts";
import { isSandboxError, SandboxError, toSandboxStartError } from "../../src/sandbox/sandbox-error.ts";

describe("SandboxError", () => {
  it.each([
    ["sandbox_start_failed", true],
    ["sandbox_gone", true],
    ["sandbox_timeout", false],
    ["command_timeout", false],
  ] as const)("%s is retryable by default: %s", (code, retryable) => {
    const error = new SandboxError(code, "message");

    expect(error).toBeInstanceOf(AppError);
    expect(error.retryable).toBe(retryable);
    expect(error.httpStatus).toBe(500);
  });

  it("lets the thrower override retryable and keeps cause and step", () => {
    const cause = new Error("boom");

    const error = new SandboxError("sandbox_start_failed", "bad key", {
      retryable: false,
      cause,
      step: "sandbox",
    });

    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(error.step).toBe("sandbox");
    expect(isSandboxError(error)).toBe(true);
    expect(isSandboxError(cause)).toBe(false);
  });

  it("wraps unknown start failures and keeps SandboxErrors as they are", () => {
    const original = new SandboxError("sandbox_gone", "gone");

    const wrapped = toSandboxStartError(new Error("ENOSPC"), "local");

    expect(toSandboxStartError(original, "local")).toBe(original);
    expect(wrapped.code).toBe("sandbox_start_failed");
    expect(wrapped.message).toBe("The local sandbox could not be started: ENOSPC");
  });
});

describe("checkLocalSandboxDependencies", () => {
  it.skipIf(process.platform !== "linux")("names the Debian packages of the missing tools", () => {
    const error = (() => {
      try {
        checkLocalSandboxDependencies(() => false);
        return null;
      } catch (caught) {
        return caught as SandboxError;
      }
    })();

    expect(error?.code).toBe("sandbox_start_failed");
    expect(error?.retryable).toBe(false);
    expect(error?.message).toContain("apt-get install bubblewrap socat");
  });

  it.skipIf(process.platform !== "linux")("passes when every tool is there", () => {
    expect(() => checkLocalSandboxDependencies(() => true)).not.toThrow();
  });
});
