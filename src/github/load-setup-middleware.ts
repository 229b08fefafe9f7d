import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import type { NodeMiddleware } from "../http/node-middleware.ts";

type SetupHandler = (request: unknown, response: unknown) => Promise<boolean> | boolean;
type SetupFactory = (options: { log: Logger; port: number; host: string }) => () => Promise<SetupHandler>;

/**
 * Probot's manifest setup page (GET /probot: "Register GitHub App"), served while APP_ID is unset.
 * After registration Probot writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to .env; restart to use
 * them. Probot does not export the setup app, so it is loaded from its file inside the package.
 */
export function loadSetupMiddleware(options: { log: Logger; port: number }): NodeMiddleware {
  // Loaded on the first request only: Probot's setup may create a smee channel (a network call).
  let handler: Promise<SetupHandler> | undefined;
  return (request, response, next) => {
    handler ??= importSetupHandler(options);
    return handler
      .then((handle) => handle(request, response))
      .then((handled) => {
        if (!handled) next?.();
      });
  };
}

async function importSetupHandler(options: { log: Logger; port: number }): Promise<SetupHandler> {
  const require = createRequire(import.meta.url);
  const probotLib = dirname(require.resolve("probot"));
  const module = (await import(pathToFileURL(join(probotLib, "apps", "setup.js")).href)) as {
    setupAppFactory: SetupFactory;
  };
  const factory = module.setupAppFactory({ log: options.log, port: options.port, host: "localhost" });
  return factory();
}
