import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { createPgliteDb } from "../../src/db/create-db.ts";
import type { Db } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { createGitHubApp } from "../../src/github/app.ts";
import { createBackgroundWork, type BackgroundWork } from "../../src/github/background-work.ts";
import type { GitHubDeps } from "../../src/github/github-deps.ts";
import { createRedactor } from "../../src/security/redact.ts";
import type { TaskEventBus } from "../../src/tasks/task-event-bus.ts";
import { createTaskService } from "../../src/tasks/task.service.ts";

/**
 * Drives the Probot app as GitHub does (`probot.receive`) against nock: network disabled, and every
 * test fails on an unused mock or an unmatched request (see `assertNockClean`).
 */
export const API = "https://api.github.com";
export const INSTALLATION_ID = 4242;
export const APP_SLUG = "cloud-agent";

export const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

const silentBus: TaskEventBus = {
  publish: () => Promise.resolve(),
  subscribe: () => Promise.resolve(() => Promise.resolve()),
  subscribeStatus: () => Promise.resolve(() => Promise.resolve()),
  close: () => Promise.resolve(),
};

export interface Harness {
  readonly db: Db;
  readonly deps: GitHubDeps;
  readonly probot: Probot;
  readonly enqueued: string[];
  readonly unmatched: string[];
  /** Delivers an event and waits for the work it started after the response. */
  receive(name: string, payload: unknown, id?: string): Promise<void>;
}

export async function createTestDb(): Promise<Db> {
  const db = createPgliteDb("memory://");
  await migrateToLatest(db);
  return db;
}

export async function createHarness(db: Db, options: { background?: BackgroundWork } = {}): Promise<Harness> {
  const log = pino({ level: "silent" });
  const redactor = createRedactor();
  const tasks = createTaskService({ db, redactor, eventBus: silentBus, log });
  const enqueued: string[] = [];
  const unmatched: string[] = [];
  nock.emitter.removeAllListeners("no match");
  nock.emitter.on("no match", (request: { method?: string; path?: string; options?: { path?: string } }) => {
    unmatched.push(`${request.method ?? "?"} ${request.path ?? request.options?.path ?? "?"}`);
  });
  const deps: GitHubDeps = {
    db,
    tasks,
    enqueue: (taskId) => {
      enqueued.push(taskId);
      return Promise.resolve();
    },
    cancel: (taskId, reason) => tasks.transition(taskId, "cancelled", { reason }),
    taskLink: (taskId) => `https://agent.example.test/tasks/${taskId}`,
    redactor,
    log,
    background: options.background ?? createBackgroundWork(log),
    appSlug: APP_SLUG,
  };
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: "test-secret",
    log,
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  await probot.load(createGitHubApp(deps));
  let sequence = 0;
  return {
    db,
    deps,
    probot,
    enqueued,
    unmatched,
    async receive(name, payload, id) {
      sequence += 1;
      await probot.receive({ id: id ?? `delivery-${sequence}-${Date.now()}`, name, payload } as never);
      await deps.background.idle();
    },
  };
}

/** The installation token request Probot makes before its first call for an installation. */
export function mockInstallationToken(scope: nock.Scope = nock(API)): nock.Scope {
  return scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).reply(201, {
    token: "ghs_unitTestInstallationToken0000000000",
    expires_at: "2099-01-01T00:00:00Z",
    permissions: {},
  });
}

/** `.github/cloud-agent.yml`: the repository's file (or 404), then the owner's `.github` repo. */
export function mockRepoConfig(
  scope: nock.Scope,
  owner: string,
  repo: string,
  yaml: string | null,
): nock.Scope {
  const path = (name: string) => (uri: string) =>
    decodeURIComponent(uri).startsWith(`/repos/${owner}/${name}/contents/.github/cloud-agent.yml`);
  if (yaml !== null)
    return scope
      .get(path(repo))
      .reply(200, yaml, { "content-type": "application/vnd.github.raw; charset=utf-8" });
  return scope
    .get(path(repo))
    .reply(404, { message: "Not Found" })
    .get(path(".github"))
    .reply(404, { message: "Not Found" });
}

export function mockPermission(
  scope: nock.Scope,
  owner: string,
  repo: string,
  login: string,
  permission: string,
  roleName?: string,
): nock.Scope {
  return scope
    .get(`/repos/${owner}/${repo}/collaborators/${login}/permission`)
    .reply(200, { permission, ...(roleName === undefined ? {} : { role_name: roleName }), user: { login } });
}

/** Fails the test on a mock that was never called or a request nothing matched. */
export function nockProblems(harness: Harness): string[] {
  return [
    ...nock.pendingMocks().map((mock) => `unused: ${mock}`),
    ...harness.unmatched.map((request) => `unmatched: ${request}`),
  ];
}
