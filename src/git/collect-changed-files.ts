import type { ChangedFile } from "../execution/executor.ts";
import { runGit } from "./run-git.ts";

/** Diffs of one file longer than this are cut (the branch holds the whole change). */
export const MAX_DIFF_CHARS = 100_000;

/** Changed files between two commits in a worker-side repository, with unified diffs and stats. */
export async function collectChangedFiles(dir: string, from: string, to: string): Promise<ChangedFile[]> {
  const [status, numstat, patch] = await Promise.all([
    runGit(["-C", dir, "diff", "--name-status", "-z", "-M", from, to]),
    runGit(["-C", dir, "diff", "--numstat", "-z", "-M", from, to]),
    runGit(["-C", dir, "diff", "-M", "--no-color", "--no-ext-diff", "--no-textconv", from, to]),
  ]);
  for (const result of [status, numstat, patch]) {
    if (result.exitCode !== 0) throw new Error(`git diff failed: ${result.stderr.trim()}`);
  }
  const stats = parseNumstat(numstat.stdout);
  const diffs = splitPatch(patch.stdout);
  return parseNameStatus(status.stdout).map((entry) => {
    const stat = stats.get(entry.path) ?? { additions: 0, deletions: 0 };
    const diff = diffs.get(entry.path) ?? "";
    return {
      ...entry,
      ...stat,
      diff: diff.length > MAX_DIFF_CHARS ? `${diff.slice(0, MAX_DIFF_CHARS)}\n… diff truncated\n` : diff,
    };
  });
}

type Entry = Pick<ChangedFile, "path" | "change" | "old_path">;

/** `git diff --name-status -z`: "M\0path\0", "R100\0old\0new\0". */
export function parseNameStatus(output: string): Entry[] {
  const fields = output.split("\0");
  const entries: Entry[] = [];
  for (let i = 0; i < fields.length;) {
    const code = fields[i] ?? "";
    if (code === "") break;
    if (code.startsWith("R") || code.startsWith("C")) {
      const oldPath = fields[i + 1] ?? "";
      const path = fields[i + 2] ?? "";
      entries.push(
        code.startsWith("R") ? { path, change: "renamed", old_path: oldPath } : { path, change: "added" },
      );
      i += 3;
      continue;
    }
    const path = fields[i + 1] ?? "";
    entries.push({ path, change: code === "A" ? "added" : code === "D" ? "deleted" : "modified" });
    i += 2;
  }
  return entries;
}

/** `git diff --numstat -z`: "a\td\tpath\0" or, for renames, "a\td\t\0old\0new\0". Binary: "-". */
export function parseNumstat(output: string): Map<string, { additions: number; deletions: number }> {
  const stats = new Map<string, { additions: number; deletions: number }>();
  const fields = output.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? "";
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(field);
    if (match === null) continue;
    const additions = match[1] === "-" ? 0 : Number(match[1]);
    const deletions = match[2] === "-" ? 0 : Number(match[2]);
    let path = match[3] ?? "";
    if (path === "") {
      path = fields[i + 2] ?? "";
      i += 2;
    }
    stats.set(path, { additions, deletions });
  }
  return stats;
}

/** Splits a multi-file patch into one diff per file, keyed by the new path. */
export function splitPatch(patch: string): Map<string, string> {
  const diffs = new Map<string, string>();
  const chunks = patch.split(/^(?=diff --git )/m).filter((chunk) => chunk.startsWith("diff --git "));
  for (const chunk of chunks) {
    const path = pathOfChunk(chunk);
    if (path !== null) diffs.set(path, chunk);
  }
  return diffs;
}

function pathOfChunk(chunk: string): string | null {
  const plus = /^\+\+\+ b\/(.+)$/m.exec(chunk);
  if (plus?.[1] !== undefined) return plus[1];
  const renameTo = /^rename to (.+)$/m.exec(chunk);
  if (renameTo?.[1] !== undefined) return renameTo[1];
  const minus = /^--- a\/(.+)$/m.exec(chunk);
  if (minus?.[1] !== undefined) return minus[1];
  const header = /^diff --git a\/(.+) b\/(.+)$/m.exec(chunk);
  return header?.[2] ?? null;
}
