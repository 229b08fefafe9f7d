import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Config } from "../config.ts";
import { deriveSigningKey, sign } from "./signing-key.ts";

/**
 * The admin session cookie: `<expiry seconds, base36>.<HMAC>`, never the admin key itself. Derived
 * from the admin key, so changing the key signs everyone out.
 */

export const SESSION_COOKIE = "ca_session";
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type SessionConfig = Pick<Config, "taskLinkSecret" | "adminApiKey">;

function keyOf(config: SessionConfig): Buffer {
  // Sessions hang off the admin key alone, so a leaked TASK_LINK_SECRET cannot mint admin sessions.
  return deriveSigningKey({ taskLinkSecret: undefined, adminApiKey: config.adminApiKey }, "session");
}

export function createSessionValue(config: SessionConfig, now: number = Date.now()): string {
  const expiresAt = Math.floor((now + SESSION_TTL_MS) / 1000).toString(36);
  return `${expiresAt}.${sign(keyOf(config), `admin.${expiresAt}`)}`;
}

export function verifySessionValue(config: SessionConfig, value: string, now: number = Date.now()): boolean {
  if (config.adminApiKey === undefined) return false;
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (match === null) return false;
  const [, expiresAt = "", given = ""] = match;
  if (parseInt(expiresAt, 36) * 1000 <= now) return false;
  const expected = Buffer.from(sign(keyOf(config), `admin.${expiresAt}`));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Compares a submitted admin key with the configured one in constant time. */
export function isAdminKey(config: SessionConfig, submitted: string): boolean {
  if (config.adminApiKey === undefined) return false;
  // Hash both sides first: equal lengths for timingSafeEqual, and no hint about the key's length.
  const expected = createHash("sha256").update(config.adminApiKey).digest();
  const actual = createHash("sha256").update(submitted).digest();
  return timingSafeEqual(expected, actual);
}

/** The GitHub sign-in cookie: the Redis session id, signed so ids cannot be tried blindly. */
export const GITHUB_SESSION_COOKIE = "ca_gh_session";

export function createGitHubCookieValue(config: SessionConfig, sessionId: string): string {
  return `${sessionId}.${sign(keyOf(config), `github.${sessionId}`)}`;
}

export function readGitHubCookieValue(config: SessionConfig, value: string): string | undefined {
  const match = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (match === null || config.adminApiKey === undefined) return undefined;
  const [, sessionId = "", given = ""] = match;
  const expected = Buffer.from(sign(keyOf(config), `github.${sessionId}`));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? sessionId : undefined;
}

/** The OAuth `state` round trip: a random state and where to go afterwards, signed, in a short-lived cookie. */
export const OAUTH_STATE_COOKIE = "ca_oauth_state";

export function createOAuthStateValue(config: SessionConfig, state: string, next: string): string {
  const body = Buffer.from(JSON.stringify({ state, next })).toString("base64url");
  return `${body}.${sign(keyOf(config), `oauth.${body}`)}`;
}

export function readOAuthStateValue(
  config: SessionConfig,
  value: string,
): { state: string; next: string } | undefined {
  const [body = "", given = ""] = value.split(".");
  if (config.adminApiKey === undefined || body === "") return undefined;
  const expected = Buffer.from(sign(keyOf(config), `oauth.${body}`));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  const parsed = z
    .object({ state: z.string(), next: z.string() })
    .safeParse(JSON.parse(Buffer.from(body, "base64url").toString()));
  return parsed.success ? parsed.data : undefined;
}
