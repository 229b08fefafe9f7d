import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config.ts";
import { createSessionValue, SESSION_COOKIE, SESSION_TTL_MS, verifySessionValue } from "./session-cookie.ts";
import { verifyTaskToken } from "./task-link.ts";

/** Who may see what on the web pages: an admin session (cookie) or a per-task signed token. */

export type AccessConfig = Pick<Config, "publicUrl" | "adminApiKey" | "taskLinkSecret" | "taskLinkTtlMs">;

export function hasAdminSession(c: Context, config: AccessConfig): boolean {
  const value = getCookie(c, SESSION_COOKIE);
  return value !== undefined && verifySessionValue(config, value);
}

export type TaskAccess = "admin" | "token" | "bad-token" | "none";

/** Access to one task: the admin session wins; else the `token` query parameter must be for this task. */
export function taskAccess(c: Context, config: AccessConfig, taskId: string): TaskAccess {
  if (hasAdminSession(c, config)) return "admin";
  const token = c.req.query("token");
  if (token === undefined || token === "") return "none";
  return verifyTaskToken(config, taskId, token) ? "token" : "bad-token";
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

export function endSession(c: Context, config: AccessConfig): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: config.publicUrl.startsWith("https://") });
}

/** A same-site path to return to after sign-in; anything else (other hosts, `//x`) becomes /tasks. */
export function safeNextPath(next: string | undefined): string {
  if (next === undefined || !/^\/(?![/\\])/.test(next) || /[\r\n]/.test(next)) return "/tasks";
  return next;
}
