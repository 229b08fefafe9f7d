import { z } from "zod";

/** Turns "", "true"/"false", "1"/"0" into a boolean; anything else is an error. */
const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((value) =>
      value === undefined || value === "" ? fallback : value === "true" || value === "1",
    );

/** An optional string where the empty string counts as unset (as in a copied .env.example). */
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value));

const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === "" ? String(fallback) : value))
    .transform((value, ctx) => {
      const number = Number(value);
      if (!Number.isInteger(number) || number <= 0) {
        ctx.addIssue({ code: "custom", message: `must be a positive whole number (got "${value}")` });
        return z.NEVER;
      }
      return number;
    });

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), "must start with http:// or https://");

/** The environment, as the service reads it. Every variable is documented in .env.example. */
const EnvSchema = z.object({
  /** HTTP port for the web process. Default 3000. */
  PORT: positiveInt(3000).pipe(z.number().max(65535)),
  /** Base URL for links the app posts (task pages). Default http://localhost:$PORT. */
  PUBLIC_URL: optionalString.pipe(httpUrl.optional()),
  /** PostgreSQL connection string; unset → embedded PGlite in DATA_DIR. */
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .refine((value) => /^postgres(ql)?:\/\//.test(value), "must be a postgres:// URL")
      .optional(),
  ),
  /** Folder for embedded data (PGlite, generated admin key, local sandboxes). Default ./.data. */
  DATA_DIR: optionalString.transform((value) => value ?? ".data"),
  /** Redis connection string for BullMQ. Default redis://127.0.0.1:6379. */
  REDIS_URL: optionalString
    .transform((value) => value ?? "redis://127.0.0.1:6379")
    .pipe(z.string().refine((value) => /^rediss?:\/\//.test(value), "must be a redis:// URL")),
  /** Bearer key for /v1 and the admin pages; unset → generated once and stored in DATA_DIR. */
  ADMIN_API_KEY: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  /** How many tasks one worker process runs at once. Default 2. */
  WORKER_CONCURRENCY: positiveInt(2).pipe(z.number().max(64)),
  /** Time limit for one task attempt, in seconds. Default 1800 (30 min). */
  TASK_TIMEOUT: positiveInt(1800),
  /** How many attempts a task gets before it is marked failed. Default 3. */
  TASK_ATTEMPTS: positiveInt(3).pipe(z.number().max(10)),
  /** First retry delay in milliseconds (exponential, with jitter). Default 5000. */
  TASK_BACKOFF_MS: positiveInt(5000),
  /** Seconds a stopping worker waits for running tasks before leaving them to be retried. Default 30. */
  SHUTDOWN_GRACE: positiveInt(30),
  /** Apply pending migrations when a process starts. Default true. */
  MIGRATE_ON_START: booleanFlag(true),
  /** Seconds the web process that answered a GitHub command owns it; then another finishes it. Default 300. */
  COMMAND_LEASE: positiveInt(300),
  /** GitHub App id (Probot). Unset → the GitHub App is off and the setup page is served. */
  APP_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be a number").optional()),
  /** GitHub App private key (PEM, \n escapes allowed). */
  PRIVATE_KEY: optionalString,
  /** Path to the GitHub App private key file, instead of PRIVATE_KEY. */
  PRIVATE_KEY_PATH: optionalString,
  /** Secret GitHub signs webhooks with. */
  WEBHOOK_SECRET: optionalString,
  /** smee.io channel that forwards webhooks to a local machine (development). */
  WEBHOOK_PROXY_URL: optionalString.pipe(httpUrl.optional()),
  /** GitHub Enterprise Server host (also how tests point at a fake GitHub). */
  GHE_HOST: optionalString,
  /** Protocol for GHE_HOST: https (default) or http. */
  GHE_PROTOCOL: optionalString.pipe(z.enum(["http", "https"]).optional()),
  /** GitHub OAuth client id of the App, for "sign in with GitHub" on task pages (optional). */
  GITHUB_CLIENT_ID: optionalString,
  /** GitHub OAuth client secret of the App (optional). */
  GITHUB_CLIENT_SECRET: optionalString,
  /** Log level: trace, debug, info, warn, error, fatal. Default info. */
  LOG_LEVEL: optionalString
    .transform((value) => value ?? "info")
    .pipe(z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"])),
  /** Sandbox provider: local or novita. Default novita when NOVITA_API_KEY is set, else local. */
  SANDBOX_PROVIDER: optionalString.pipe(z.enum(["local", "novita"]).optional()),
  /** Novita API key (E2B-compatible sandboxes). */
  NOVITA_API_KEY: optionalString,
  /** Sandbox template for novita. Default cloud-agent-v1. */
  SANDBOX_TEMPLATE: optionalString.transform((value) => value ?? "cloud-agent-v1"),
  /** Anthropic API key for Claude Code (used when CLAUDE_CODE_OAUTH_TOKEN is unset). */
  ANTHROPIC_API_KEY: optionalString,
  /** Claude Code OAuth token (preferred over ANTHROPIC_API_KEY). */
  CLAUDE_CODE_OAUTH_TOKEN: optionalString,
  /** Anthropic-compatible API base URL (proxies, gateways, the test model server). */
  ANTHROPIC_BASE_URL: optionalString.pipe(httpUrl.optional()),
  /** Model Claude Code uses; unset → Claude Code's default. */
  CLAUDE_MODEL: optionalString,
  /** Max agent turns per task. Default 50. */
  CLAUDE_MAX_TURNS: positiveInt(50),
  /**
   * Seconds the agent may wait on the model API without any output (no message, no tool running)
   * before the attempt is stopped and fails at the agent step. Default 600 (10 min).
   */
  AGENT_IDLE_TIMEOUT: positiveInt(600),
  /** Token for clone and push when there is no GitHub App (API-only deployments). */
  GITHUB_TOKEN: optionalString,
  /** Folder for local sandboxes (one folder each: workspace, home, tmp). Default DATA_DIR/sandboxes. */
  SANDBOX_ROOT: optionalString,
  /** Extra hosts every sandbox may reach (comma separated host or host:port). */
  SANDBOX_ALLOWED_HOSTS: optionalString.transform((value) =>
    (value ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ""),
  ),
  /** Secret that signs task page links; unset → derived from ADMIN_API_KEY. */
  TASK_LINK_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  /** Days a signed task page link stays valid. Default 30. */
  TASK_LINK_TTL_DAYS: positiveInt(30),
  /** Bearer token for GET /metrics (a scrape-only credential); unset → the admin key is required. */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  readonly port: number;
  readonly publicUrl: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly redisUrl: string;
  readonly adminApiKey: string | undefined;
  readonly workerConcurrency: number;
  readonly taskTimeoutMs: number;
  readonly taskAttempts: number;
  readonly taskBackoffMs: number;
  readonly shutdownGraceMs: number;
  readonly migrateOnStart: boolean;
  readonly logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
  readonly github: {
    readonly appId: string | undefined;
    readonly privateKey: string | undefined;
    readonly privateKeyPath: string | undefined;
    readonly webhookSecret: string | undefined;
    readonly webhookProxyUrl: string | undefined;
    readonly gheHost: string | undefined;
    readonly gheProtocol: "http" | "https";
    readonly clientId: string | undefined;
    readonly clientSecret: string | undefined;
    readonly token: string | undefined;
    /** How long the process that answered a command owns it before another may resume it. */
    readonly commandLeaseMs: number;
  };
  readonly sandbox: {
    readonly provider: "local" | "novita";
    readonly novitaApiKey: string | undefined;
    readonly template: string;
    readonly allowedHosts: readonly string[];
    /** Folder for local sandboxes; default DATA_DIR/sandboxes. */
    readonly root: string;
  };
  readonly agent: {
    readonly anthropicApiKey: string | undefined;
    readonly oauthToken: string | undefined;
    readonly baseUrl: string | undefined;
    readonly model: string | undefined;
    readonly maxTurns: number;
    /** Longest silence from the agent while it waits on the model API (AGENT_IDLE_TIMEOUT). */
    readonly idleTimeoutMs: number;
  };
  readonly taskLinkSecret: string | undefined;
  readonly taskLinkTtlMs: number;
  /** Bearer token for /metrics; undefined → the admin key. */
  readonly metricsToken: string | undefined;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Reads the environment once; throws ConfigError listing every bad or missing variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SANDBOX_PROVIDER === "novita" && e.NOVITA_API_KEY === undefined) {
    problems.push("NOVITA_API_KEY: required when SANDBOX_PROVIDER=novita");
  }
  if (e.APP_ID !== undefined && e.PRIVATE_KEY === undefined && e.PRIVATE_KEY_PATH === undefined) {
    problems.push("PRIVATE_KEY: required (or PRIVATE_KEY_PATH) when APP_ID is set");
  }
  if (e.APP_ID !== undefined && e.WEBHOOK_SECRET === undefined) {
    problems.push("WEBHOOK_SECRET: required when APP_ID is set");
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    adminApiKey: e.ADMIN_API_KEY,
    workerConcurrency: e.WORKER_CONCURRENCY,
    taskTimeoutMs: e.TASK_TIMEOUT * 1000,
    taskAttempts: e.TASK_ATTEMPTS,
    taskBackoffMs: e.TASK_BACKOFF_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE * 1000,
    migrateOnStart: e.MIGRATE_ON_START,
    logLevel: e.LOG_LEVEL,
    github: Object.freeze({
      appId: e.APP_ID,
      privateKey: e.PRIVATE_KEY?.replace(/\\n/g, "\n"),
      privateKeyPath: e.PRIVATE_KEY_PATH,
      webhookSecret: e.WEBHOOK_SECRET,
      webhookProxyUrl: e.WEBHOOK_PROXY_URL,
      gheHost: e.GHE_HOST,
      gheProtocol: e.GHE_PROTOCOL ?? "https",
      clientId: e.GITHUB_CLIENT_ID,
      clientSecret: e.GITHUB_CLIENT_SECRET,
      token: e.GITHUB_TOKEN,
      commandLeaseMs: e.COMMAND_LEASE * 1000,
    }),
    sandbox: Object.freeze({
      provider: e.SANDBOX_PROVIDER ?? (e.NOVITA_API_KEY === undefined ? "local" : "novita"),
      novitaApiKey: e.NOVITA_API_KEY,
      template: e.SANDBOX_TEMPLATE,
      allowedHosts: Object.freeze(e.SANDBOX_ALLOWED_HOSTS),
      root: e.SANDBOX_ROOT ?? `${e.DATA_DIR.replace(/\/+$/, "")}/sandboxes`,
    }),
    agent: Object.freeze({
      anthropicApiKey: e.ANTHROPIC_API_KEY,
      oauthToken: e.CLAUDE_CODE_OAUTH_TOKEN,
      baseUrl: e.ANTHROPIC_BASE_URL,
      model: e.CLAUDE_MODEL,
      maxTurns: e.CLAUDE_MAX_TURNS,
      idleTimeoutMs: e.AGENT_IDLE_TIMEOUT * 1000,
    }),
    taskLinkSecret: e.TASK_LINK_SECRET,
    taskLinkTtlMs: e.TASK_LINK_TTL_DAYS * 24 * 60 * 60 * 1000,
    metricsToken: e.METRICS_TOKEN,
  });
}
