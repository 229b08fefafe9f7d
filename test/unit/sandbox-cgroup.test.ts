import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandboxCgroup, detectCgroupSupport } from "../../src/sandbox/sandbox-cgroup.ts";

/** A stand-in cgroup v1 tree: one folder per controller with a cgroup.procs file, as the kernel mounts it. */
function fakeV1Root(controllers: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "fake-cgroup-v1-"));
  for (const controller of controllers) {
    mkdirSync(join(root, controller));
    writeFileSync(join(root, controller, "cgroup.procs"), "");
  }
  return root;
}

/** A stand-in cgroup v2 tree: one folder listing its controllers. */
function fakeV2Root(controllers: string): string {
  const root = mkdtempSync(join(tmpdir(), "fake-cgroup-v2-"));
  writeFileSync(join(root, "cgroup.controllers"), controllers);
  writeFileSync(join(root, "cgroup.subtree_control"), "");
  return root;
}

describe("sandbox cgroups", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  function track(root: string): string {
    roots.push(root);
    return root;
  }

  it("finds the v1 controllers it can create groups in", () => {
    const root = track(fakeV1Root(["memory", "pids", "blkio"]));

    expect(detectCgroupSupport(root)).toEqual({ version: 1, root, controllers: ["memory", "pids"] });
    expect(detectCgroupSupport(join(root, "missing")).controllers).toEqual([]);
  });

  it("enables the v2 controllers for its own subtree", () => {
    const root = track(fakeV2Root("cpuset cpu io memory pids\n"));

    const support = detectCgroupSupport(root);

    expect(support).toEqual({ version: 2, root, controllers: ["memory", "pids", "cpu"] });
    expect(readFileSync(join(root, "cloud-agent", "cgroup.subtree_control"), "utf8")).toBe("+cpu");
  });

  it("writes v1 limits and a join script for every controller's group", async () => {
    const root = track(fakeV1Root(["memory", "pids", "cpu"]));

    const group = await createSandboxCgroup(
      "sbx-a-1",
      { memoryMb: 256, maxProcesses: 64, cpus: 1.5 },
      detectCgroupSupport(root),
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

  it("writes v2 limits into one group", async () => {
    const root = track(fakeV2Root("memory pids cpu"));

    const group = await createSandboxCgroup(
      "sbx-b-1",
      { memoryMb: 128, maxProcesses: 32, cpus: 0.5 },
      detectCgroupSupport(root),
    );

    const dir = join(root, "cloud-agent", "sbx-b-1");
    expect(group?.enforced).toEqual(["memory", "pids", "cpu"]);
    expect(readFileSync(join(dir, "memory.max"), "utf8")).toBe(String(128 * 1024 * 1024));
    expect(readFileSync(join(dir, "pids.max"), "utf8")).toBe("32");
    expect(readFileSync(join(dir, "cpu.max"), "utf8")).toBe("50000 100000");
    expect(group?.joinScript).toBe(`echo $$ > ${dir}/cgroup.procs || exit 125; `);
  });

  it("leaves CPU unlimited unless asked, and returns null when no controller is usable", async () => {
    const root = track(fakeV1Root(["cpu"]));

    const group = await createSandboxCgroup(
      "sbx-c-1",
      { memoryMb: 1, maxProcesses: 1 },
      detectCgroupSupport(root),
    );

    expect(group).toBeNull();
    expect(existsSync(join(root, "cpu", "cloud-agent", "sbx-c-1"))).toBe(false);
  });
});
