import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchFigure } from "./support/bench-report.ts";

/**
 * `npm run bench [-- filter...]`: runs every bench/*.ts (except this file) as its own process,
 * BENCH_REPEAT times (default 3; a file may lower it with a `@bench-repeat N` comment), and prints
 * a table with the median of each figure across the runs. Figures are the `BENCH {json}` lines a
 * bench prints (support/bench-report.ts); other output is passed through as is.
 */
const DIR = fileURLToPath(new URL(".", import.meta.url));
const filters = process.argv.slice(2);
const defaultRepeat = Number(process.env.BENCH_REPEAT ?? 3);

const files = readdirSync(DIR)
  .filter((name) => name.endsWith(".ts") && name !== "run.ts")
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

function repeatOf(file: string): number {
  const marker = /@bench-repeat\s+(\d+)/.exec(readFileSync(`${DIR}${file}`, "utf8"));
  return marker === null ? defaultRepeat : Math.min(defaultRepeat, Number(marker[1]));
}

function runFile(file: string): Promise<{ code: number | null; figures: BenchFigure[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${DIR}${file}`], { stdio: ["ignore", "pipe", "inherit"] });
    const figures: BenchFigure[] = [];
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("BENCH ")) figures.push(JSON.parse(line.slice(6)) as BenchFigure);
        else if (line.trim() !== "") process.stdout.write(`  [${file}] ${line}\n`);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, figures }));
  });
}

function median(values: readonly number[]): number | undefined {
  const present = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (present.length === 0) return undefined;
  const middle = Math.floor(present.length / 2);
  return present.length % 2 === 1 ? present[middle] : (present[middle - 1]! + present[middle]!) / 2;
}

const rows: string[][] = [];
let failed = false;
for (const file of files) {
  const repeat = repeatOf(file);
  const byName = new Map<string, BenchFigure[]>();
  for (let run = 1; run <= repeat; run++) {
    process.stdout.write(`${file}: run ${run}/${repeat}\n`);
    const { code, figures } = await runFile(file);
    if (code !== 0) {
      failed = true;
      process.stdout.write(`${file}: exited with ${code}\n`);
      break;
    }
    for (const figure of figures) byName.set(figure.name, [...(byName.get(figure.name) ?? []), figure]);
  }
  for (const [name, figures] of byName) {
    const show = (pick: (figure: BenchFigure) => number | undefined) => {
      const value = median(figures.map(pick).filter((v): v is number => v !== undefined));
      return value === undefined ? "" : String(Math.round(value * 100) / 100);
    };
    rows.push([
      name,
      show((f) => f.p50),
      show((f) => f.p99),
      show((f) => f.value),
      figures[0]!.unit,
      figures[0]!.goal ?? "",
      String(figures.length),
    ]);
  }
}

const header = ["Figure (median of runs)", "p50", "p99", "value", "unit", "goal", "runs"];
const table = [header, header.map(() => "---"), ...rows];
process.stdout.write(`\n${table.map((row) => `| ${row.join(" | ")} |`).join("\n")}\n`);
process.exitCode = failed ? 1 : 0;
