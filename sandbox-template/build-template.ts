import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { defaultBuildLogger, Template, type TemplateBuilder } from "e2b";
import { parse } from "smol-toml";
import { z } from "zod";

/**
 * Builds the cloud-agent-v1 sandbox template and registers it with Novita (E2B template SDK, pointed at
 * sandbox.novita.ai). e2b.Dockerfile is the single definition; novita.toml holds the defaults.
 *
 *   NOVITA_API_KEY=... node sandbox-template/build-template.ts [--name cloud-agent-v1] [--tag v1]
 *       [--cpu 2] [--memory 4096] [--skip-cache] [--domain sandbox.novita.ai] [--dry-run]
 *
 * --dry-run prints the build steps (parsed from the Dockerfile by the SDK) without contacting Novita.
 */
const here = dirname(fileURLToPath(import.meta.url));

const TemplateConfig = z.object({
  template_name: z.string().min(1),
  dockerfile: z.string().min(1),
  cpu_count: z.number().int().positive(),
  memory_mb: z.number().int().positive(),
});
export type TemplateConfig = z.infer<typeof TemplateConfig>;

export function readTemplateConfig(path = join(here, "novita.toml")): TemplateConfig {
  return TemplateConfig.parse(parse(readFileSync(path, "utf8")));
}

export interface BuildArgs {
  readonly name: string;
  readonly tags: string[];
  readonly cpuCount: number;
  readonly memoryMb: number;
  readonly skipCache: boolean;
  readonly dryRun: boolean;
  readonly domain: string;
}

/** Parses the command line over novita.toml's defaults; throws a readable message on bad input. */
export function parseBuildArgs(argv: readonly string[], defaults: TemplateConfig): BuildArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      name: { type: "string", default: defaults.template_name },
      tag: { type: "string", multiple: true, default: [] },
      cpu: { type: "string", default: String(defaults.cpu_count) },
      memory: { type: "string", default: String(defaults.memory_mb) },
      "skip-cache": { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      domain: { type: "string", default: "sandbox.novita.ai" },
    },
  });
  const name = values.name;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new Error(`--name: "${name}" is not a template name`);
  return {
    name,
    tags: values.tag,
    cpuCount: positive("--cpu", values.cpu),
    memoryMb: positive("--memory", values.memory),
    skipCache: values["skip-cache"],
    dryRun: values["dry-run"],
    domain: values.domain,
  };
}

function positive(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new Error(`${flag}: "${value}" is not a positive whole number`);
  return number;
}

/** The template as the SDK builds it: the Dockerfile's steps, COPY sources taken from this folder. */
export function createTemplate(config: TemplateConfig = readTemplateConfig()): TemplateBuilder {
  return Template({ fileContextPath: here }).fromDockerfile(join(here, config.dockerfile));
}

async function main(): Promise<void> {
  const config = readTemplateConfig();
  const args = parseBuildArgs(process.argv.slice(2), config);
  const template = createTemplate(config);
  if (args.dryRun) {
    process.stdout.write(`${await Template.toJSON(template, false)}\n`);
    return;
  }
  const apiKey = process.env.NOVITA_API_KEY;
  if (apiKey === undefined || apiKey === "")
    throw new Error("NOVITA_API_KEY is required to build the template");
  const build = await Template.build(template, args.name, {
    apiKey,
    domain: args.domain,
    cpuCount: args.cpuCount,
    memoryMB: args.memoryMb,
    tags: args.tags,
    skipCache: args.skipCache,
    onBuildLogs: defaultBuildLogger(),
  });
  process.stdout.write(`Built ${build.name}: template ${build.templateId}, build ${build.buildId}\n`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
