import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { descendantsOf } from "../support/process-tree.ts";

// A worker killed with SIGKILL cannot stop what its local sandbox runtime started. bubblewrap dies
// with its parent (--die-with-parent); the host-side socat bridge is tied to it by the socat wrapper
// (setpriv --pdeathsig). This runs a real sandbox in a child process, kills it, and looks for leftovers.

const HOLDER = join(import.meta.dirname, "../support/local-sandbox-holder.ts");
let root: string | undefined;

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

/** Processes (pid, parent pid, command line) whose command line mentions `needle`. */
function processesMentioning(needle: string): string[] {
  return execFileSync("ps", ["-eo", "pid,ppid,args"], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes(needle) && !line.includes("ps -eo"));
}

describe("local sandbox after its worker is SIGKILLed", () => {
  it("leaves no socat bridge, bwrap or sandboxed command running", async () => {
    root = await mkdtemp(join(tmpdir(), "orphan-sandboxes-"));
    const child = spawn(process.execPath, [HOLDER, root], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        if (line.includes('"running":true')) resolve();
      });
      child.once("exit", (code) => reject(new Error(`holder exited early (${code})`)));
    });
    const tree = descendantsOf(child.pid!);
    const before = processesMentioning(root);
    const bridges = tree.filter((pid) =>
      processesMentioning("UNIX-LISTEN:").some((line) => line.trim().startsWith(`${pid} `)),
    );

    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 5_000;
    let alive = tree;
    while (alive.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alive = tree.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
    }
    const leftovers = processesMentioning("").filter((line) =>
      alive.some((pid) => line.trim().startsWith(`${pid} `)),
    );
    for (const pid of alive) killQuietly(pid);

    expect(before.length).toBeGreaterThan(0);
    expect(bridges).toHaveLength(1);
    expect(leftovers).toEqual([]);
  }, 60_000);
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
