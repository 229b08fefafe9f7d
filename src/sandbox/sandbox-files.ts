import { constants } from "node:fs";
import { mkdir, open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * File access from the worker into a local sandbox's folders. The sandbox's processes control those
 * folders, so every path is resolved (symbolic links included) and must stay inside the sandbox's own
 * folders; otherwise a planted link could make the worker read its own secrets or write outside.
 */
export interface SandboxFolders {
  /** Relative paths are taken from here. */
  readonly workdir: string;
  /** The folders the sandbox owns (workspace, home, tmp). */
  readonly roots: readonly string[];
}

function isInside(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => path === root || path.startsWith(root + sep));
}

function outside(path: string): Error {
  const error = new Error(`The path ${path} is not inside the sandbox's workspace, home or tmp folder.`);
  error.name = "SandboxFileError";
  return error;
}

async function deepestExisting(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      return await realpath(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      const parent = dirname(current);
      if (parent === current) throw error;
      current = parent;
    }
  }
}

function absolute(folders: SandboxFolders, path: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(folders.workdir, path);
}

export async function writeSandboxFile(
  folders: SandboxFolders,
  path: string,
  content: string | Uint8Array,
): Promise<void> {
  const target = absolute(folders, path);
  if (!isInside(target, folders.roots)) throw outside(path);
  const parent = dirname(target);
  const existing = await deepestExisting(parent);
  if (!isInside(existing, folders.roots)) throw outside(path);
  const missing = relative(existing, parent);
  if (missing !== "") await mkdir(join(existing, missing), { recursive: true });
  const realParent = await realpath(parent);
  if (!isInside(realParent, folders.roots)) throw outside(path);
  const file = await open(
    join(realParent, target.slice(parent.length + 1)),
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    await file.writeFile(content);
  } finally {
    await file.close();
  }
}

export async function readSandboxFile(folders: SandboxFolders, path: string): Promise<Uint8Array> {
  const target = absolute(folders, path);
  if (!isInside(target, folders.roots)) throw outside(path);
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    throw notFound(path, error);
  }
  if (!isInside(real, folders.roots)) throw outside(path);
  try {
    const file = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return new Uint8Array(await file.readFile());
    } finally {
      await file.close();
    }
  } catch (error) {
    throw notFound(path, error);
  }
}

function notFound(path: string, cause: unknown): Error {
  const error = new Error(`Cannot read ${path} in the sandbox: ${(cause as Error).message}`, { cause });
  error.name = "SandboxFileError";
  return error;
}
