/**
 * The figure format bench/run.ts collects: each bench file, run as a script, prints one line per
 * figure as `BENCH {json}`. run.ts runs every file several times and tables the medians.
 */
export interface BenchFigure {
  /** What was measured, e.g. "POST /v1/tasks latency (50 clients)". */
  readonly name: string;
  readonly unit: string;
  /** A single value (throughput) ... */
  readonly value?: number;
  /** ... or a latency distribution. */
  readonly p50?: number;
  readonly p99?: number;
  readonly samples?: number;
  /** The goal the issue sets, as text ("p99 < 50 ms"). */
  readonly goal?: string;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function latencyFigure(name: string, valuesMs: readonly number[], goal?: string): BenchFigure {
  return {
    name,
    unit: "ms",
    p50: round(percentile(valuesMs, 50)),
    p99: round(percentile(valuesMs, 99)),
    samples: valuesMs.length,
    ...(goal === undefined ? {} : { goal }),
  };
}

export function reportFigures(figures: readonly BenchFigure[]): void {
  for (const figure of figures) process.stdout.write(`BENCH ${JSON.stringify(figure)}\n`);
}
