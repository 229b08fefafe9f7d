import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createSandboxProvider } from "../../src/sandbox/create-sandbox-provider.ts";

const log = pino({ level: "silent" });

describe("createSandboxProvider", () => {
  it.each([
    [{}, "local"],
    [{ NOVITA_API_KEY: "sk_novita_test" }, "novita"],
    [{ NOVITA_API_KEY: "sk_novita_test", SANDBOX_PROVIDER: "local" }, "local"],
  ])("picks the provider config names (%j → %s) without starting anything", async (env, name) => {
    const provider = createSandboxProvider(loadConfig(env), { log });

    expect(provider.name).toBe(name);
    await provider.close?.();
  });

  it("puts local sandboxes under DATA_DIR/sandboxes unless SANDBOX_ROOT says otherwise", () => {
    expect(loadConfig({ DATA_DIR: "/srv/data/" }).sandbox.root).toBe("/srv/data/sandboxes");
    expect(loadConfig({ SANDBOX_ROOT: "/var/lib/sandboxes" }).sandbox.root).toBe("/var/lib/sandboxes");
  });
});
