import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Logger } from "pino";
import { z } from "zod";
import type { Config } from "../config.ts";
import { buildAuthorizeUrl, signInWithGitHub } from "./github-oauth.ts";
import { GITHUB_SESSION_TTL_SECONDS, type GitHubSessionStore } from "./github-session-store.ts";
import { respondError } from "./respond-error.ts";
import {
  createGitHubCookieValue,
  createOAuthStateValue,
  GITHUB_SESSION_COOKIE,
  OAUTH_STATE_COOKIE,
  readOAuthStateValue,
} from "./session-cookie.ts";
import { safeNextPath, type AccessConfig } from "./web-access.ts";

/** /login/github → GitHub → /login/github/callback: a session that sees the user's repositories. */
export interface GitHubSignInDeps {
  config: AccessConfig;
  github: Config["github"];
  sessions: GitHubSessionStore;
  log: Logger;
}

const Callback = z.object({ code: z.string().min(1).max(200), state: z.string().min(1).max(200) });

export function addGitHubSignIn(app: Hono, deps: GitHubSignInDeps): void {
  const { config } = deps;
  const secure = config.publicUrl.startsWith("https://");
  const redirectUri = `${config.publicUrl}/login/github/callback`;

  app.get("/login/github", (c) => {
    // 1. A random state in a signed, short-lived cookie: the callback must come from this browser.
    const state = randomBytes(16).toString("base64url");
    const next = safeNextPath(c.req.query("next"));
    setCookie(c, OAUTH_STATE_COOKIE, createOAuthStateValue(config, state, next), {
      path: "/login/github",
      httpOnly: true,
      secure,
      sameSite: "Lax",
      maxAge: 600,
    });
    return c.redirect(buildAuthorizeUrl(deps.github, redirectUri, state), 302);
  });

  app.get("/login/github/callback", async (c) => {
    const query = Callback.safeParse(c.req.query());
    const cookie = getCookie(c, OAUTH_STATE_COOKIE);
    const saved = cookie === undefined ? undefined : readOAuthStateValue(config, cookie);
    deleteCookie(c, OAUTH_STATE_COOKIE, { path: "/login/github", secure });
    // 2. Refuse a callback that does not carry the state this browser was given.
    if (!query.success || saved === undefined || !sameText(saved.state, query.data.state)) {
      return respondError(c, {
        status: 400,
        code: "bad_request",
        message: "The GitHub sign-in expired or did not start here; try again.",
        field: "state",
        publicUrl: config.publicUrl,
      });
    }
    // 3. Exchange the code and read the repositories the user can see through the App.
    let viewer;
    try {
      viewer = await signInWithGitHub(deps.github, query.data.code, redirectUri);
    } catch (error) {
      deps.log.warn({ err: error }, "GitHub sign-in failed");
      return respondError(c, {
        status: 401,
        code: "unauthorized",
        message: "GitHub sign-in failed; try again.",
        publicUrl: config.publicUrl,
      });
    }
    // 4. Keep them server-side (every replica reads Redis); the cookie holds a signed id only.
    const sessionId = await deps.sessions.create(viewer);
    setCookie(c, GITHUB_SESSION_COOKIE, createGitHubCookieValue(config, sessionId), {
      path: "/",
      httpOnly: true,
      secure,
      sameSite: "Lax",
      maxAge: GITHUB_SESSION_TTL_SECONDS,
    });
    deps.log.info({ login: viewer.login, repositories: viewer.repositories.length }, "GitHub sign-in");
    return c.redirect(saved.next, 303);
  });
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
