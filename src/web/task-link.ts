import { timingSafeEqual } from "node:crypto";
import type { Config } from "../config.ts";
import { deriveSigningKey, sign } from "./signing-key.ts";

/**
 * Signed, expiring links to one task's page. The token is `<expiry seconds, base36>.<HMAC>` over the
 * task id and expiry: it grants read access to that task only, cannot be guessed and stops working
 * when it expires (or when the secret changes).
 */

type LinkConfig = Pick<Config, "publicUrl" | "taskLinkSecret" | "adminApiKey" | "taskLinkTtlMs">;

function signature(config: LinkConfig, taskId: string, expiresAt: string): string {
  return sign(deriveSigningKey(config, "task-link"), `${taskId}.${expiresAt}`);
}

/** A token for `taskId`, valid for TASK_LINK_TTL_DAYS from `now`. */
export function createTaskToken(config: LinkConfig, taskId: string, now: number = Date.now()): string {
  const expiresAt = Math.floor((now + config.taskLinkTtlMs) / 1000).toString(36);
  return `${expiresAt}.${signature(config, taskId, expiresAt)}`;
}

/** The page URL (on PUBLIC_URL) for a task, carrying its token. */
export function createTaskLink(config: LinkConfig, taskId: string, now: number = Date.now()): string {
  const url = new URL(`${config.publicUrl}/tasks/${encodeURIComponent(taskId)}`);
  url.searchParams.set("token", createTaskToken(config, taskId, now));
  return url.toString();
}

/** True when `token` was signed for exactly this task and has not expired. */
export function verifyTaskToken(
  config: LinkConfig,
  taskId: string,
  token: string,
  now: number = Date.now(),
): boolean {
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (match === null) return false;
  const [, expiresAt = "", given = ""] = match;
  if (parseInt(expiresAt, 36) * 1000 <= now) return false;
  const expected = Buffer.from(signature(config, taskId, expiresAt));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
