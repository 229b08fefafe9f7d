import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config.ts";
import {
  createSessionValue,
  GITHUB_SESSION_COOKIE,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  verifySessionValue,
} from "./session-cookie.ts";

/** Who may see what on the web pages: an admin session (cookie) or a per-task signed token. */

export type AccessConfig = Pick<Config, "publicUrl" | "adminApiKey" | "taskLinkSecret" | "taskLinkTtlMs">;

export function hasAdminSession(c: Context, config: AccessConfig): boolean {
  const value = getCookie(c, SESSION_COOKIE);
  return value !== undefined && verifySessionValue(config, value);
}

export function startSession(c: Context, config: AccessConfig): void {
  setCookie(c, SESSION_COOKIE, createSessionValue(config), {
    path: "/",
    httpOnly: true,
    secure: config.publicUrl.startsWith("https://"),
    sameSite: "Lax",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** Signs out of both kinds of session. */
export function endSession(c: Context, config: AccessConfig): void {
  const secure = config.publicUrl.startsWith("https://");
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure });
  deleteCookie(c, GITHUB_SESSION_COOKIE, { path: "/", secure });
}

/** A same-site path to return to after sign-in; anything else (other hosts, `//x`) becomes /tasks. */
export function safeNextPath(next: string | undefined): string {
  if (next === undefined || !/^\/(?![/\\])/.test(next) || /[\r\n]/.test(next)) return "/tasks";
  return next;
}
