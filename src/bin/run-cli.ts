import { ConfigError, loadConfig, type Config } from "../config.ts";
import { runMigrateCommand } from "./run-migrate-command.ts";
import type { ProcessRoles } from "./run-process.ts";

const USAGE = `Usage: cloud-agent <command>

Commands:
  start            web server and one worker in one process (npm start)
  serve            web server only (API, webhooks, task pages)
  worker           worker only (runs tasks from the queue)
  migrate up       apply pending database migrations
  migrate down     revert the last migration
  migrate status   list migrations and whether they are applied
`;

const ROLES: Record<string, ProcessRoles> = {
  start: { web: true, worker: true },
  serve: { web: true, worker: false },
  worker: { web: false, worker: true },
};

/** Parses the command line, loads config, runs the command; resolves to the exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  const roles = ROLES[command];
  if (roles === undefined && command !== "migrate") {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
    return 1;
  }

  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }

  if (command === "migrate") return runMigrateCommand(config, rest[0]);
  // Loaded only for the long-running commands: `migrate` needs none of the service's parts.
  const [{ createDeps }, { runProcess }] = await Promise.all([
    import("../deps.ts"),
    import("./run-process.ts"),
  ]);
  return runProcess(createDeps(config), roles ?? { web: true, worker: true });
}
