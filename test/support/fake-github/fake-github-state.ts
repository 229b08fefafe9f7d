import type { SecondaryLimitHit } from "./secondary-rate-limit.ts";

/** In-memory state of the fake GitHub: everything the app writes is kept for assertions. */

export interface FakeUser {
  login: string;
  type: "User" | "Bot";
}

export interface FakeComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  user: FakeUser;
  createdAt: number;
  updatedAt: number;
  /** Every body the comment had, in order (edits included). */
  history: string[];
  /** Review comments: the thread it replies to. */
  inReplyTo?: number;
  kind: "issue" | "review";
}

export interface FakeReaction {
  commentId: number;
  kind: "issue" | "review";
  content: string;
  at: number;
}

export interface FakeCheckRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  head_sha: string;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  details_url: string | null;
  output: { title?: string; summary?: string; text?: string } | null;
  /** Every status it went through. */
  statuses: string[];
}

export interface FakePull {
  number: number;
  owner: string;
  repo: string;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: "open" | "closed";
  headRepo: string;
  maintainerCanModify: boolean;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  user: FakeUser;
  locked: boolean;
  isPullRequest: boolean;
}

export interface FakeRepo {
  owner: string;
  name: string;
  defaultBranch: string;
  permissions: Map<string, string>;
  configYaml: string | null;
  issues: Map<number, FakeIssue>;
}

export interface FakeToken {
  token: string;
  installationId: number;
  repositories: string[] | null;
  permissions: Record<string, string> | null;
  expiresAt: number;
}

export interface FakeGitHubState {
  repos: Map<string, FakeRepo>;
  comments: FakeComment[];
  reactions: FakeReaction[];
  checkRuns: FakeCheckRun[];
  pulls: FakePull[];
  tokens: FakeToken[];
  /** Every REST request: method, path, time, status and the installation it acted for ("app": JWT). */
  requests: Array<{ method: string; path: string; at: number; status: number; installation: string }>;
  /** Requests refused with a secondary rate limit (403 + retry-after). */
  secondaryLimitHits: SecondaryLimitHit[];
  nextId: number;
}

export function createFakeGitHubState(): FakeGitHubState {
  return {
    repos: new Map(),
    comments: [],
    reactions: [],
    checkRuns: [],
    pulls: [],
    tokens: [],
    requests: [],
    secondaryLimitHits: [],
    nextId: 1000,
  };
}
