import { AppError } from "../errors.ts";
import type { GitCredentials } from "./git-auth.ts";
import { gitCredentialEnv } from "./git-credential-env.ts";
import { runGit } from "./run-git.ts";

export interface FetchRepositoryInput {
  /** Empty bare repository folder on the worker (created here). */
  readonly dir: string;
  readonly url: string;
  readonly credentials: GitCredentials | null;
  /** Unset: the repository's default branch. */
  readonly baseBranch: string | null;
  /** Fetched too when it exists on the remote (a PR head, a follow-up's branch). */
  readonly workBranch: string;
  /** Where the work branch lives when not in `url` (a fork's head repository). */
  readonly workUrl?: string;
  readonly signal?: AbortSignal;
}

export interface FetchedRepository {
  readonly dir: string;
  readonly baseBranch: string;
  readonly baseSha: string;
  /** The remote's default branch (HEAD), when it says. */
  readonly defaultBranch: string | null;
  /** Where the work branch points on the remote, or null when it does not exist yet. */
  readonly remoteWorkSha: string | null;
  /** The remote work branch tip's full commit message (to spot an earlier attempt's push). */
  readonly remoteWorkMessage: string | null;
}

/**
 * Shallow-fetches the base branch (and the work branch when it exists) into a bare repository on
 * the worker: the worker keeps it for the push, the sandbox gets a copy. Two round trips: ls-remote
 * (default branch, which branches exist), then one depth-1 fetch.
 */
export async function fetchRepository(input: FetchRepositoryInput): Promise<FetchedRepository> {
  const env = gitCredentialEnv(input.credentials);
  const signal = input.signal;
  const opts = { env, ...(signal === undefined ? {} : { signal }) };
  await must(runGit(["init", "-q", "--bare", input.dir]), "prepare a git folder");

  const workUrl = input.workUrl ?? input.url;
  const wanted = [
    "HEAD",
    ...(input.baseBranch === null ? [] : [`refs/heads/${input.baseBranch}`]),
    ...(workUrl === input.url ? [`refs/heads/${input.workBranch}`] : []),
  ];
  const listed = await runGit(["ls-remote", "--symref", "--", input.url, ...wanted], opts);
  if (listed.exitCode !== 0) throw cloneError(input.url, listed.stderr);
  const refs = parseLsRemote(listed.stdout);
  const baseBranch = input.baseBranch ?? refs.headTarget;
  if (baseBranch === null) {
    throw new AppError("clone_failed", `The repository ${input.url} has no default branch (is it empty?).`, {
      retryable: false,
      step: "clone",
    });
  }
  const baseSha =
    refs.shas.get(`refs/heads/${baseBranch}`) ??
    (baseBranch === refs.headTarget ? refs.shas.get("HEAD") : undefined);
  if (baseSha === undefined) {
    throw new AppError("clone_failed", `The branch "${baseBranch}" does not exist in ${input.url}.`, {
      retryable: false,
      step: "clone",
    });
  }
  let remoteWorkSha = refs.shas.get(`refs/heads/${input.workBranch}`) ?? null;
  if (workUrl !== input.url) {
    const listedWork = await runGit(["ls-remote", "--", workUrl, `refs/heads/${input.workBranch}`], opts);
    if (listedWork.exitCode !== 0) throw cloneError(workUrl, listedWork.stderr);
    remoteWorkSha = parseLsRemote(listedWork.stdout).shas.get(`refs/heads/${input.workBranch}`) ?? null;
  }

  const workRefspec = `+refs/heads/${input.workBranch}:refs/remotes/origin/${input.workBranch}`;
  const refspecs = [`+refs/heads/${baseBranch}:refs/heads/${baseBranch}`];
  if (remoteWorkSha !== null && workUrl === input.url) refspecs.push(workRefspec);
  // One after the other: both update the repository's shallow file.
  const fetches: Array<[string, string[]]> = [[input.url, refspecs]];
  if (remoteWorkSha !== null && workUrl !== input.url) fetches.push([workUrl, [workRefspec]]);
  for (const [url, specs] of fetches) {
    const fetched = await runGit(
      ["-C", input.dir, "fetch", "-q", "--depth", "1", "--no-tags", "--", url, ...specs],
      opts,
    );
    if (fetched.exitCode !== 0) throw cloneError(url, fetched.stderr);
  }

  let remoteWorkMessage: string | null = null;
  if (remoteWorkSha !== null) {
    const log = await runGit(["-C", input.dir, "log", "-1", "--format=%B", remoteWorkSha]);
    remoteWorkMessage = log.exitCode === 0 ? log.stdout : null;
  }
  return {
    dir: input.dir,
    baseBranch,
    baseSha,
    defaultBranch: refs.headTarget,
    remoteWorkSha,
    remoteWorkMessage,
  };
}

export function parseLsRemote(output: string): { headTarget: string | null; shas: Map<string, string> } {
  let headTarget: string | null = null;
  const shas = new Map<string, string>();
  for (const line of output.split("\n")) {
    const symref = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line);
    if (symref?.[1] !== undefined) {
      headTarget = symref[1];
      continue;
    }
    const ref = /^([0-9a-f]{40,64})\t(\S+)$/.exec(line);
    if (ref?.[1] !== undefined && ref[2] !== undefined) shas.set(ref[2], ref[1]);
  }
  return { headTarget, shas };
}

function cloneError(url: string, stderr: string): AppError {
  const reason = gitReason(stderr);
  const auth = /401|403|Authentication failed|could not read Username|terminal prompts disabled/i.test(
    stderr,
  );
  const missing = /not found|does not appear to be a git repository|does not exist/i.test(stderr);
  const message = auth
    ? `Cloning ${url} was refused: the credentials are missing or lack access to this repository (${reason}).`
    : missing
      ? `The repository ${url} was not found (${reason}).`
      : `Cloning ${url} failed: ${reason}`;
  return new AppError("clone_failed", message, { retryable: !auth && !missing, step: "clone" });
}

/** The useful line of git's stderr ("fatal: …"), without progress noise. */
export function gitReason(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const fatal = lines.find((line) => /^(fatal|error|remote):/.test(line));
  return (fatal ?? lines.at(-1) ?? "unknown error").slice(0, 500);
}

async function must(result: Promise<{ exitCode: number; stderr: string }>, what: string): Promise<void> {
  const done = await result;
  if (done.exitCode !== 0) {
    throw new AppError("clone_failed", `Could not ${what}: ${gitReason(done.stderr)}`, {
      retryable: true,
      step: "clone",
    });
  }
}
