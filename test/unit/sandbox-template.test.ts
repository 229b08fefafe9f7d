import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Template } from "e2b";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createTemplate, parseBuildArgs, readTemplateConfig } from "../../sandbox-template/build-template.ts";

const run = promisify(execFile);
const templateDir = join(import.meta.dirname, "../../sandbox-template");

interface Step {
  type: string;
  args: string[];
}

describe("sandbox template", () => {
  it("novita.toml parses, names the default template and points at an existing Dockerfile", () => {
    const config = readTemplateConfig();

    expect(config.template_name).toBe(loadConfig({}).sandbox.template);
    expect(existsSync(join(templateDir, config.dockerfile))).toBe(true);
  });

  it("the Dockerfile parses with the E2B template SDK into the tools the agent needs", async () => {
    const json = JSON.parse(await Template.toJSON(createTemplate(), false)) as {
      fromImage: string;
      steps: Step[];
    };
    const runs = json.steps
      .filter((step) => step.type === "RUN")
      .flatMap((step) => step.args)
      .join("\n");

    expect(json.fromImage).toMatch(/^node:24-/);
    expect(runs).toContain("@anthropic-ai/claude-code@2.1.330");
    expect(runs).toMatch(/install .* git /);
    expect(runs).toMatch(/install .*\bgh\b/);
    expect(runs).toContain("astral.sh/uv");
    expect(runs).toContain("postgresql");
    expect(runs).toContain("redis-server");
    expect(json.steps).toContainEqual(
      expect.objectContaining({
        type: "COPY",
        args: expect.arrayContaining(["/usr/local/bin/start-services"]),
      }),
    );
    expect(json.steps.at(-1)).toEqual(
      expect.objectContaining({ type: "WORKDIR", args: ["/home/user/workspace"] }),
    );
  });

  it("start-services is valid bash and refuses unknown services", async () => {
    const script = join(templateDir, "start-services");

    await run("bash", ["-n", script]);
    const unknown = await run("bash", [script, "mongodb"]).catch(
      (error: { code: number; stderr: string }) => error,
    );

    expect((unknown as { code: number }).code).toBe(2);
    expect((unknown as { stderr: string }).stderr).toContain("unknown service 'mongodb'");
  });
});

describe("parseBuildArgs", () => {
  const defaults = {
    template_name: "cloud-agent-v1",
    dockerfile: "e2b.Dockerfile",
    cpu_count: 2,
    memory_mb: 4096,
  };

  it("uses novita.toml's values when no flag is given", () => {
    expect(parseBuildArgs([], defaults)).toEqual({
      name: "cloud-agent-v1",
      tags: [],
      cpuCount: 2,
      memoryMb: 4096,
      skipCache: false,
      dryRun: false,
      domain: "sandbox.novita.ai",
    });
  });

  it("reads every flag", () => {
    const args = parseBuildArgs(
      [
        "--name",
        "cloud-agent-v2",
        "--tag",
        "v2",
        "--tag",
        "latest",
        "--cpu",
        "4",
        "--memory",
        "8192",
        "--skip-cache",
        "--dry-run",
        "--domain",
        "e2b.app",
      ],
      defaults,
    );

    expect(args).toEqual({
      name: "cloud-agent-v2",
      tags: ["v2", "latest"],
      cpuCount: 4,
      memoryMb: 8192,
      skipCache: true,
      dryRun: true,
      domain: "e2b.app",
    });
  });

  it.each([
    [["--cpu", "0"], '--cpu: "0" is not a positive whole number'],
    [["--memory", "lots"], '--memory: "lots" is not a positive whole number'],
    [["--name", "Bad Name"], '--name: "Bad Name" is not a template name'],
    [["--unknown"], "Unknown option '--unknown'"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseBuildArgs(argv, defaults)).toThrow(message);
  });
});
