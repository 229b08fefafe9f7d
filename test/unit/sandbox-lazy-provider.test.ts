import { describe, expect, it, vi } from "vitest";
import { createLazySandboxProvider } from "../../src/sandbox/create-lazy-sandbox-provider.ts";
import type { SandboxProvider } from "../../src/sandbox/sandbox.ts";

function fakeProvider(destroyById = vi.fn(() => Promise.resolve())): SandboxProvider & { closed: number } {
  const provider = {
    name: "local" as const,
    closed: 0,
    create: vi.fn(() => Promise.reject(new Error("not in this test"))),
    destroyById,
    close() {
      provider.closed += 1;
      return Promise.resolve();
    },
  };
  return provider;
}

describe("createLazySandboxProvider", () => {
  it("builds nothing until a sandbox is needed, so web processes need no sandbox tools", async () => {
    const factory = vi.fn(fakeProvider);

    const lazy = createLazySandboxProvider("local", factory);
    await lazy.close?.();

    expect(factory).not.toHaveBeenCalled();
    expect(lazy.name).toBe("local");
  });

  it("builds the provider once on first use and closes that one", async () => {
    const destroyById = vi.fn(() => Promise.resolve());
    const real = fakeProvider(destroyById);
    const factory = vi.fn(() => real);
    const lazy = createLazySandboxProvider("local", factory);

    await lazy.destroyById("sbx-1");
    await lazy.destroyById("sbx-2");
    await lazy.close?.();

    expect(factory).toHaveBeenCalledTimes(1);
    expect(destroyById).toHaveBeenCalledWith("sbx-2");
    expect(real.closed).toBe(1);
  });

  it("passes a factory error (missing bubblewrap) to the caller", async () => {
    const lazy = createLazySandboxProvider("local", () => {
      throw new Error("apt-get install bubblewrap socat");
    });

    await expect(lazy.create({ taskId: "t", timeoutMs: 1000, allowedHosts: [] })).rejects.toThrow(
      "apt-get install bubblewrap socat",
    );
  });
});
