import { Sandbox as E2bSandbox } from "e2b";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { createNovitaSandboxProvider, NOVITA_DOMAIN } from "../../src/sandbox/novita-sandbox.ts";
import { runSandboxContract } from "./sandbox-contract.ts";

/**
 * The same contract against real Novita sandboxes. It needs NOVITA_API_KEY (and network access to
 * sandbox.novita.ai, plus the cloud-agent-v1 template built: see README "Sandboxes"); without a key
 * there is no Novita to test against, so the suite is skipped, not faked.
 */
const apiKey = process.env.NOVITA_API_KEY;
const template = process.env.SANDBOX_TEMPLATE ?? "cloud-agent-v1";

describe.skipIf(apiKey === undefined || apiKey === "")("novita provider", () => {
  runSandboxContract("novita", {
    slack: 3,
    createProvider: () =>
      createNovitaSandboxProvider({ apiKey: apiKey!, template, log: pino({ level: "silent" }) }),
    async assertNothingLeft(_provider, sandbox) {
      const info = await E2bSandbox.getInfo(sandbox.id, { apiKey: apiKey!, domain: NOVITA_DOMAIN }).catch(
        () => null,
      );
      expect(info === null || info.state !== "running").toBe(true);
    },
  });
});
