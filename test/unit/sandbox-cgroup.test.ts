import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandboxCgroup, writableCgroupControllers } from "../../src/sandbox/sandbox-cgroup.ts";

/** A stand-in cgroup v1 tree: one folder per controller with a cgroup.procs file, as the kernel mounts it. */
function fakeCgroupRoot(controllers: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "fake-cgroup-"));
  for (const controller of controllers) {
    mkdirSync(join(root, controller));
    writeFileSync(join(root, controller, "cgroup.procs"), "");
  }
  return root;
}

describe("sandbox cgroups (v1)", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it("finds the controllers it can create groups in", () => {
    const root = fakeCgroupRoot(["memory", "pids", "blkio"]);
    roots.push(root);

    expect(writableCgroupControllers(root)).toEqual(["memory", "pids"]);
    expect(writableCgroupControllers(join(root, "missing"))).toEqual([]);
  });

  it("writes the limits and a join script for the sandbox's group", async () => {
    const root = fakeCgroupRoot(["memory", "pids", "cpu"]);
    roots.push(root);

    const group = await createSandboxCgroup(
      "sbx-a-1",
      { memoryMb: 256, maxProcesses: 64, cpus: 1.5 },
      ["memory", "pids", "cpu"],
      root,
    );

    const dir = (controller: string): string => join(root, controller, "cloud-agent", "sbx-a-1");
    expect(group?.enforced).toEqual(["memory", "pids", "cpu"]);
    expect(readFileSync(join(dir("memory"), "memory.limit_in_bytes"), "utf8")).toBe(
      String(256 * 1024 * 1024),
    );
    expect(readFileSync(join(dir("pids"), "pids.max"), "utf8")).toBe("64");
    expect(readFileSync(join(dir("cpu"), "cpu.cfs_quota_us"), "utf8")).toBe("150000");
    expect(group?.joinScript).toBe(
      ["memory", "pids", "cpu"].map((c) => `echo $$ > ${dir(c)}/cgroup.procs || exit 125; `).join(""),
    );
  });

  it("leaves CPU unlimited unless asked, and returns null when no controller is usable", async () => {
    const root = fakeCgroupRoot(["cpu"]);
    roots.push(root);

    const group = await createSandboxCgroup("sbx-b-1", { memoryMb: 1, maxProcesses: 1 }, ["cpu"], root);

    expect(group).toBeNull();
  });
});
