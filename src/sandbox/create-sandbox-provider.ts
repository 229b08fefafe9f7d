import { resolve } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { checkLocalSandboxDependencies } from "./local-runtime.ts";
import { createLocalSandboxProvider } from "./local-sandbox.ts";
import { createNovitaSandboxProvider } from "./novita-sandbox.ts";
import type { SandboxProvider } from "./sandbox.ts";
import { SandboxError } from "./sandbox-error.ts";

export interface SandboxProviderDeps {
  readonly log: Logger;
  /** The service's own folder (holds .env); hidden from local sandboxes. Default process.cwd(). */
  readonly serviceDir?: string;
}

/**
 * The sandbox provider config.sandbox.provider names. `local` hides the service's folder, DATA_DIR and
 * the GitHub App key file from every sandbox; `novita` sandboxes run on Novita's machines.
 */
export function createSandboxProvider(config: Config, deps: SandboxProviderDeps): SandboxProvider {
  const log = deps.log.child({ component: "sandbox", provider: config.sandbox.provider });
  if (config.sandbox.provider === "novita") {
    if (config.sandbox.novitaApiKey === undefined) {
      throw new SandboxError(
        "sandbox_start_failed",
        "NOVITA_API_KEY is required for SANDBOX_PROVIDER=novita.",
        {
          retryable: false,
        },
      );
    }
    return createNovitaSandboxProvider({
      apiKey: config.sandbox.novitaApiKey,
      template: config.sandbox.template,
      log,
    });
  }
  const protectedPaths = [deps.serviceDir ?? process.cwd(), resolve(config.dataDir)];
  if (config.github.privateKeyPath !== undefined) protectedPaths.push(resolve(config.github.privateKeyPath));
  return createLocalSandboxProvider({ root: resolve(config.sandbox.root), log, protectedPaths });
}

/**
 * Fails fast, with the reason, when this machine cannot run the configured provider's sandboxes
 * (local: bubblewrap and socat installed). Workers call it at start; web processes do not need it.
 */
export function checkSandboxProvider(config: Config): void {
  if (config.sandbox.provider === "local") checkLocalSandboxDependencies();
}
