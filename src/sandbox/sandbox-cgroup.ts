import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Memory, process-count and CPU-quota limits for one sandbox through cgroups (v1 controllers or the
 * v2 unified tree), as the host kernel allows. Every process of the sandbox joins the group before
 * bubblewrap starts, so the limits cover the whole sandbox, and `kill()` reaches every process of it.
 */
export interface SandboxCgroup {
  /** Shell text that moves the current shell ($$) into the group; prefix it to the command. */
  readonly joinScript: string;
  /** The limits this group enforces (what the kernel let us set). */
  readonly enforced: readonly Controller[];
  /** SIGKILLs every process still in the group. */
  kill(): Promise<void>;
  remove(): Promise<void>;
}

export type Controller = "memory" | "pids" | "cpu";

/** What this host lets us use: the cgroup version and the controllers we can create groups with. */
export interface CgroupSupport {
  readonly version: 1 | 2;
  readonly root: string;
  readonly controllers: readonly Controller[];
}

export interface CgroupLimits {
  readonly memoryMb: number;
  readonly maxProcesses: number;
  readonly cpus?: number | undefined;
}

const CGROUP_ROOT = "/sys/fs/cgroup";
const GROUP_PARENT = "cloud-agent";
const CONTROLLERS: readonly Controller[] = ["memory", "pids", "cpu"];
const PERIOD_US = 100_000;

/**
 * Finds what can be used, once per provider, by creating the parent group (a non-root worker, a
 * read-only cgroupfs or a v2 tree whose controllers cannot be delegated all fail here).
 */
export function detectCgroupSupport(root = CGROUP_ROOT): CgroupSupport {
  const v1 = CONTROLLERS.filter((controller) => existsSync(join(root, controller, "cgroup.procs")));
  if (v1.length > 0) {
    return { version: 1, root, controllers: v1.filter((c) => tryMkdir(join(root, c, GROUP_PARENT))) };
  }
  if (!existsSync(join(root, "cgroup.controllers"))) return { version: 1, root, controllers: [] };
  const available = readFileSync(join(root, "cgroup.controllers"), "utf8").split(/\s+/);
  const wanted = CONTROLLERS.filter((controller) => available.includes(controller));
  const parent = join(root, GROUP_PARENT);
  const enabled = wanted.filter(
    (controller) =>
      tryWrite(join(root, "cgroup.subtree_control"), `+${controller}`) &&
      tryMkdir(parent) &&
      tryWrite(join(parent, "cgroup.subtree_control"), `+${controller}`),
  );
  return { version: 2, root, controllers: enabled };
}

function tryMkdir(path: string): boolean {
  try {
    mkdirSync(path, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

function tryWrite(path: string, text: string): boolean {
  try {
    writeFileSync(path, text);
    return true;
  } catch {
    return false;
  }
}

/** The limit files for one controller, by cgroup version. */
function limitFiles(version: 1 | 2, controller: Controller, limits: CgroupLimits): [string, string][] {
  const bytes = String(limits.memoryMb * 1024 * 1024);
  const quota = limits.cpus === undefined ? undefined : String(Math.round(limits.cpus * PERIOD_US));
  switch (controller) {
    case "memory":
      return version === 1
        ? [["memory.limit_in_bytes", bytes]]
        : [
            ["memory.max", bytes],
            ["memory.swap.max", "0"],
          ];
    case "pids":
      return [["pids.max", String(limits.maxProcesses)]];
    case "cpu":
      if (quota === undefined) return [];
      return version === 1
        ? [
            ["cpu.cfs_period_us", String(PERIOD_US)],
            ["cpu.cfs_quota_us", quota],
          ]
        : [["cpu.max", `${quota} ${PERIOD_US}`]];
  }
}

/** Files that may be missing on a kernel without swap accounting; a failed write there is fine. */
const OPTIONAL_FILES = new Set(["memory.swap.max"]);

/** Creates the group; returns null when no controller can be used (the caller logs what is missing). */
export async function createSandboxCgroup(
  id: string,
  limits: CgroupLimits,
  support: CgroupSupport,
): Promise<SandboxCgroup | null> {
  const enforced: Controller[] = [];
  const directories = new Set<string>();
  const made = new Set<string>();
  for (const controller of support.controllers) {
    const files = limitFiles(support.version, controller, limits);
    if (files.length === 0) continue;
    const path =
      support.version === 1
        ? join(support.root, controller, GROUP_PARENT, id)
        : join(support.root, GROUP_PARENT, id);
    try {
      await mkdir(path, { recursive: true });
      made.add(path);
      for (const [file, value] of files) {
        await writeFile(join(path, file), value).catch((error: unknown) => {
          if (!OPTIONAL_FILES.has(file)) throw error;
        });
      }
      directories.add(path);
      enforced.push(controller);
    } catch {
      if (support.version === 1) await rmdir(path).catch(() => undefined);
    }
  }
  if (enforced.length === 0) {
    for (const path of made) await rmdir(path).catch(() => undefined);
    return null;
  }
  return handleFor([...directories], enforced);
}

/** Kills and removes the group of a sandbox this process does not hold (a crashed worker's). */
export async function removeSandboxCgroup(id: string, support: CgroupSupport): Promise<void> {
  const paths =
    support.version === 1
      ? support.controllers.map((controller) => join(support.root, controller, GROUP_PARENT, id))
      : [join(support.root, GROUP_PARENT, id)];
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length > 0) await handleFor(existing, []).remove();
}

function handleFor(directories: readonly string[], enforced: readonly Controller[]): SandboxCgroup {
  async function pids(): Promise<number[]> {
    const all = new Set<number>();
    for (const path of directories) {
      const text = await readFile(join(path, "cgroup.procs"), "utf8").catch(() => "");
      for (const line of text.split("\n")) if (line.trim() !== "") all.add(Number(line));
    }
    return [...all];
  }

  async function kill(): Promise<void> {
    // A fork bomb can add processes while we kill; repeat until the group is empty (bounded).
    for (let round = 0; round < 50; round += 1) {
      const found = await pids();
      if (found.length === 0) return;
      for (const pid of found) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  return {
    joinScript: directories.map((path) => `echo $$ > ${path}/cgroup.procs || exit 125; `).join(""),
    enforced,
    kill,
    async remove() {
      await kill();
      for (const path of directories) {
        // rmdir fails while the kernel still tears down the last exited processes; retry briefly.
        for (let attempt = 0; attempt < 20; attempt += 1) {
          try {
            await rmdir(path);
            break;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") break;
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        }
      }
    },
  };
}
