import { existsSync, mkdirSync } from "node:fs";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SandboxLimits } from "./sandbox.ts";

/**
 * Memory, process-count and CPU-share limits for one sandbox through cgroup v1 controllers (memory,
 * pids, cpu), as the host kernel allows. Every process of the sandbox joins the group before
 * bubblewrap starts, so the limits cover the whole sandbox, and `kill()` reaches every process of it.
 */
export interface SandboxCgroup {
  /** Shell text that moves the current shell ($$) into the group; prefix it to the command. */
  readonly joinScript: string;
  /** The limits this group enforces (what the kernel let us set). */
  readonly enforced: readonly ("memory" | "pids" | "cpu")[];
  /** SIGKILLs every process still in the group. */
  kill(): Promise<void>;
  remove(): Promise<void>;
}

const CGROUP_ROOT = "/sys/fs/cgroup";
const GROUP_PARENT = "cloud-agent";

/**
 * Which v1 controllers we can create groups in (checked once per provider, by creating the parent
 * group: a non-root worker or a read-only cgroupfs fails here). cgroup v2 is not supported yet.
 */
export function writableCgroupControllers(root = CGROUP_ROOT): ("memory" | "pids" | "cpu")[] {
  const controllers: ("memory" | "pids" | "cpu")[] = [];
  for (const controller of ["memory", "pids", "cpu"] as const) {
    if (!existsSync(join(root, controller, "cgroup.procs"))) continue;
    try {
      mkdirSync(join(root, controller, GROUP_PARENT), { recursive: true });
      controllers.push(controller);
    } catch {
      // Not ours to write.
    }
  }
  return controllers;
}

/** Creates the group; returns null when no controller can be used (the caller logs what is missing). */
export async function createSandboxCgroup(
  id: string,
  limits: Required<Pick<SandboxLimits, "memoryMb" | "maxProcesses">> & { readonly cpus?: number },
  controllers: readonly ("memory" | "pids" | "cpu")[],
  root = CGROUP_ROOT,
): Promise<SandboxCgroup | null> {
  const created: { controller: "memory" | "pids" | "cpu"; path: string }[] = [];
  for (const controller of controllers) {
    const path = join(root, controller, GROUP_PARENT, id);
    try {
      await mkdir(path, { recursive: true });
      if (controller === "memory") {
        const bytes = String(limits.memoryMb * 1024 * 1024);
        await writeFile(join(path, "memory.limit_in_bytes"), bytes);
        // Without swap accounting this file is absent; the limit above is then the whole story.
        await writeFile(join(path, "memory.memsw.limit_in_bytes"), bytes).catch(() => undefined);
      }
      if (controller === "pids") await writeFile(join(path, "pids.max"), String(limits.maxProcesses));
      if (controller === "cpu") {
        if (limits.cpus === undefined) {
          await rmdir(path).catch(() => undefined);
          continue;
        }
        await writeFile(join(path, "cpu.cfs_period_us"), "100000");
        await writeFile(join(path, "cpu.cfs_quota_us"), String(Math.round(limits.cpus * 100000)));
      }
      created.push({ controller, path });
    } catch {
      await rmdir(path).catch(() => undefined);
    }
  }
  if (created.length === 0) return null;

  async function pids(): Promise<number[]> {
    const all = new Set<number>();
    for (const { path } of created) {
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
    joinScript: created.map(({ path }) => `echo $$ > ${path}/cgroup.procs || exit 125; `).join(""),
    enforced: created.map(({ controller }) => controller),
    kill,
    async remove() {
      await kill();
      for (const { path } of created) {
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
