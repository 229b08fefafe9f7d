import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectChangedFiles, parseNameStatus, parseNumstat } from "../../src/git/collect-changed-files.ts";
import { fetchRepository } from "../../src/git/fetch-repository.ts";
import { importBundle } from "../../src/git/import-bundle.ts";
import { pushWorkBranch } from "../../src/git/push-work-branch.ts";
import { startGitServer, type GitServer } from "../support/git-server.ts";

const run = promisify(execFile);
const TOKEN = "ghs_unitGitToken0123456789abcdefghij";
const CREDENTIALS = { username: "x-access-token", password: TOKEN };
let server: GitServer;
let scratch: string;

beforeAll(async () => {
  server = await startGitServer({ auth: CREDENTIALS });
  scratch = await mkdtemp(join(tmpdir(), "git-unit-"));
});

afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run("git", ["-c", "user.name=T", "-c", "user.email=t@e", ...args], { cwd })).stdout.trim();
}

/** What the sandbox does: clone the worker's fetch, commit, bundle the new commits. */
async function commitInCopy(
  repoDir: string,
  branch: string,
  files: Record<string, string | null>,
): Promise<string> {
  const work = await mkdtemp(join(scratch, "work-"));
  await run("git", ["clone", "-q", "--branch", branch, `file://${repoDir}`, work]);
  for (const [path, content] of Object.entries(files)) {
    if (content === null) await git(work, "rm", "-q", path);
    else await writeFile(join(work, path), content);
  }
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", "change");
  const start = await git(work, "rev-parse", "HEAD~1");
  const bundle = join(work, "out.bundle");
  await git(work, "bundle", "create", "-q", bundle, "HEAD", `^${start}`);
  return bundle;
}

describe("worker-side git", () => {
  it("fetches the default branch with credentials from the environment only", async () => {
    const url = await server.createRepo("fetch", { "a.txt": "a\n" }, { defaultBranch: "trunk" });
    const dir = join(scratch, "fetch.git");

    const fetched = await fetchRepository({
      dir,
      url,
      credentials: CREDENTIALS,
      baseBranch: null,
      workBranch: "agent/x",
    });

    expect(fetched.baseBranch).toBe("trunk");
    expect(fetched.baseSha).toBe(await server.branchSha("fetch", "trunk"));
    expect(fetched.remoteWorkSha).toBeNull();
    const config = await run("git", ["-C", dir, "config", "--list", "--local"]);
    expect(config.stdout).not.toContain(TOKEN);
    expect(config.stdout).not.toContain("extraheader");
  });

  it("fails a clone with a wrong password as clone_failed, not retryable, without the password", async () => {
    const url = await server.createRepo("denied", { "a.txt": "a\n" });

    const error = await fetchRepository({
      dir: join(scratch, "denied.git"),
      url,
      credentials: { username: "x-access-token", password: "ghs_wrongPassword0123456789" },
      baseBranch: null,
      workBranch: "agent/x",
    }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "clone_failed", retryable: false, step: "clone" });
    expect(String((error as Error).message)).not.toContain("wrongPassword");
  });

  it("names a missing base branch", async () => {
    const url = await server.createRepo("nobranch", { "a.txt": "a\n" });

    const error = await fetchRepository({
      dir: join(scratch, "nobranch.git"),
      url,
      credentials: CREDENTIALS,
      baseBranch: "develop",
      workBranch: "w",
    }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "clone_failed", message: expect.stringContaining('"develop"') });
  });

  it("imports a bundle, diffs it against the start and pushes with a lease", async () => {
    const url = await server.createRepo("push", {
      "a.txt": "a\n",
      "old.txt": "bye\n",
      "keep.txt": "1\n2\n3\n",
    });
    const dir = join(scratch, "push.git");
    const fetched = await fetchRepository({
      dir,
      url,
      credentials: CREDENTIALS,
      baseBranch: null,
      workBranch: "agent/p",
    });
    const bundle = await commitInCopy(dir, "main", {
      "new.txt": "hello\n",
      "old.txt": null,
      "keep.txt": "1\ntwo\n3\n",
    });

    const head = await importBundle(dir, bundle, "refs/cloud-agent/result");
    const files = await collectChangedFiles(dir, fetched.baseSha, head);
    await pushWorkBranch({
      dir,
      localRef: "refs/cloud-agent/result",
      url,
      branch: "agent/p",
      expectedRemoteSha: null,
      credentials: CREDENTIALS,
    });

    expect(await server.branchSha("push", "agent/p")).toBe(head);
    expect(
      files.map(({ path, change, additions, deletions }) => ({ path, change, additions, deletions })),
    ).toEqual([
      { path: "keep.txt", change: "modified", additions: 1, deletions: 1 },
      { path: "new.txt", change: "added", additions: 1, deletions: 0 },
      { path: "old.txt", change: "deleted", additions: 0, deletions: 1 },
    ]);
    expect(files[0]?.diff).toContain("-2\n+two");
  });

  it("refuses to overwrite a branch that moved (lease) with push_rejected", async () => {
    const url = await server.createRepo("lease", { "a.txt": "a\n" });
    const dir = join(scratch, "lease.git");
    const fetched = await fetchRepository({
      dir,
      url,
      credentials: CREDENTIALS,
      baseBranch: null,
      workBranch: "agent/l",
    });
    const bundle = await commitInCopy(dir, "main", { "b.txt": "b\n" });
    await importBundle(dir, bundle, "refs/cloud-agent/result");
    // Someone else creates the branch first.
    await pushWorkBranch({
      dir,
      localRef: `refs/heads/${fetched.baseBranch}`,
      url,
      branch: "agent/l",
      expectedRemoteSha: null,
      credentials: CREDENTIALS,
    });

    const error = await pushWorkBranch({
      dir,
      localRef: "refs/cloud-agent/result",
      url,
      branch: "agent/l",
      expectedRemoteSha: null,
      credentials: CREDENTIALS,
    }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "push_rejected", retryable: false, step: "push" });
    expect(await server.branchSha("lease", "agent/l")).toBe(fetched.baseSha);
  });

  it("reports a pre-receive rejection with the server's message", async () => {
    const url = await server.createRepo("hook", { "a.txt": "a\n" });
    await server.rejectPushes("hook", "branch protection says no");
    const dir = join(scratch, "hook.git");
    await fetchRepository({ dir, url, credentials: CREDENTIALS, baseBranch: null, workBranch: "agent/h" });
    const bundle = await commitInCopy(dir, "main", { "b.txt": "b\n" });
    await importBundle(dir, bundle, "refs/cloud-agent/result");

    const error = await pushWorkBranch({
      dir,
      localRef: "refs/cloud-agent/result",
      url,
      branch: "agent/h",
      expectedRemoteSha: null,
      credentials: CREDENTIALS,
    }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      code: "push_rejected",
      message: expect.stringContaining("branch protection says no"),
    });
  });
});

describe("diff output parsing", () => {
  it("reads renames from name-status and numstat", () => {
    expect(parseNameStatus("R090\0a.txt\0b.txt\0M\0c.txt\0")).toEqual([
      { path: "b.txt", change: "renamed", old_path: "a.txt" },
      { path: "c.txt", change: "modified" },
    ]);
    expect([...parseNumstat("1\t2\t\0a.txt\0b.txt\0-\t-\tbin.png\0")]).toEqual([
      ["b.txt", { additions: 1, deletions: 2 }],
      ["bin.png", { additions: 0, deletions: 0 }],
    ]);
  });
});
