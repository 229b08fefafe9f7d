import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { GitHubViewer } from "./github-oauth.ts";

/**
 * GitHub sign-in sessions live in Redis (shared by every web replica); the cookie holds only a
 * random id, signed. The repository list is read once at sign-in and kept for the session's life.
 */

export const GITHUB_SESSION_TTL_SECONDS = 8 * 60 * 60;

const StoredViewer = z.object({ login: z.string(), repositories: z.array(z.string()) });

export interface GitHubSessionStore {
  create(viewer: GitHubViewer): Promise<string>;
  get(id: string): Promise<GitHubViewer | undefined>;
  remove(id: string): Promise<void>;
}

export function createGitHubSessionStore(redis: Redis, prefix: string): GitHubSessionStore {
  const keyOf = (id: string) => `${prefix}:web-session:${id}`;
  return {
    async create(viewer) {
      const id = randomBytes(24).toString("base64url");
      await redis.set(keyOf(id), JSON.stringify(viewer), "EX", GITHUB_SESSION_TTL_SECONDS);
      return id;
    },
    async get(id) {
      const raw = await redis.get(keyOf(id));
      if (raw === null) return undefined;
      const parsed = StoredViewer.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    },
    async remove(id) {
      await redis.del(keyOf(id));
    },
  };
}
