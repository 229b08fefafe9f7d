import { latencyFigure, type BenchFigure } from "./support/bench-report.ts";
import { claudeCodeExecutorFrom } from "../src/execution/create-claude-code-executor.ts";
import { startGitServer } from "../test/support/git-server.ts";
import { text, toolUse } from "../test/support/scripted-model/scripted-model-script.ts";
import { startScriptedModelServer } from "../test/support/scripted-model/scripted-model-server.ts";
import { createTestDatabase } from "../test/support/test-db.ts";
import { startTestApp } from "../test/support/test-deps.ts";

/**
 * The platform's overhead around the model, on the whole stack (API, Postgres, Redis, worker,
 * local sandbox, real Claude Code CLI, scripted model as a test double, local git server):
 *   - POST /v1/tasks → the agent's first model request (goal p50 < 2.5 s)
 *   - the agent's last model response → task completed with the branch pushed (goal p50 < 1 s)
 * plus where the time goes (sandbox, clone, CLI start, commit, push). Median of RUNS runs.
 *   node bench/agent-overhead.ts   (or npm run bench -- agent)
 * @bench-repeat 1
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 10);

interface Sample {
  firstRequest: number;
  lastResponseToCompleted: number;
  sandbox: number;
  fetch: number;
  checkout: number;
  cliStart: number;
  cliExit: number;
  commit: number;
  push: number;
  finalize: number;
}

export async function benchAgentOverhead(): Promise<BenchFigure[]> {
  const database = await createTestDatabase();
  const git = await startGitServer({
    auth: { username: "x-access-token", password: "ghs_benchToken0123456789abcdefghij" },
  });
  const model = await startScriptedModelServer();
  const app = await startTestApp(database, {
    gitAuth: {
      forTask: () =>
        Promise.resolve({ username: "x-access-token", password: "ghs_benchToken0123456789abcdefghij" }),
    },
    env: {
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: "sk-ant-bench-key-0123456789",
      LOG_LEVEL: "silent",
    },
    executor: (deps) => claudeCodeExecutorFrom(deps, { agentMaxRetries: 0 }),
  });
  app.startWorker({ concurrency: 1, pollMs: 1_000 });
  const repoUrl = await git.createRepo("bench", {
    "README.md": "# Bench\n",
    "src/index.js": "export const x = 1;\n",
    "package.json": '{ "name": "bench" }\n',
  });
  try {
    const samples: Sample[] = [];
    for (let run = 0; run <= RUNS; run += 1) {
      const sample = await oneRun(run);
      if (run > 0) samples.push(sample); // run 0 warms up the sandbox runtime and the CLI's page cache
    }
    const keys = Object.keys(samples[0] ?? {}) as Array<keyof Sample>;
    return keys.map((key) =>
      latencyFigure(
        `agent: ${LABELS[key]}`,
        samples.map((sample) => sample[key]),
        GOALS[key],
      ),
    );
  } finally {
    await app.close();
    await model.close();
    await git.close();
    await database.destroy();
  }

  async function oneRun(run: number): Promise<Sample> {
    model.setScript([
      {
        blocks: [
          toolUse("Write", { file_path: "$CWD/src/bench.js", content: `export const run = ${run};\n` }),
        ],
      },
      { blocks: [text("Wrote src/bench.js.")] },
    ]);
    const mainBefore = model.mainRequests().length;
    const started = Date.now();
    const response = await app.request("/v1/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ repository_url: repoUrl, prompt: `Bench run ${run}` }),
    });
    const { id } = (await response.json()) as { id: string };
    const first = await model.waitForRequest(
      (request) => request.kind === "main" && model.mainRequests().indexOf(request) >= mainBefore,
      60_000,
    );
    let task = await database.db
      .selectFrom("tasks")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    while (!["completed", "failed", "cancelled"].includes(task.status)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      task = await database.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    }
    if (task.status !== "completed")
      throw new Error(`bench task ${task.status}: ${task.error_message ?? ""}`);
    const events = await database.db
      .selectFrom("task_events")
      .selectAll()
      .where("task_id", "=", id)
      .orderBy("seq")
      .execute();
    const finishedSteps = events.filter(
      (event) => event.type === "step" && (event.payload as { state?: string }).state === "finished",
    );
    const duration = (step: string, nth = 0): number =>
      Number(
        (
          finishedSteps.filter((event) => (event.payload as { step?: string }).step === step)[nth]
            ?.payload as { duration_ms?: number } | undefined
        )?.duration_ms ?? Number.NaN,
      );
    const agentStarted = events.find(
      (event) =>
        event.type === "step" &&
        (event.payload as { step?: string; state?: string }).step === "agent" &&
        (event.payload as { state?: string }).state === "started",
    );
    const lastResponse = model.lastMainResponseAt() ?? Number.NaN;
    const stepAt = (step: string, state: string): number => {
      const event = events.find((candidate) => {
        const payload = candidate.payload as { step?: string; state?: string };
        return candidate.type === "step" && payload.step === step && payload.state === state;
      });
      return event === undefined ? Number.NaN : new Date(event.created_at).getTime();
    };
    return {
      firstRequest: first.receivedAt - started,
      lastResponseToCompleted:
        new Date(task.finished_at!).getTime() - (model.lastMainResponseAt() ?? Number.NaN),
      sandbox: duration("sandbox"),
      fetch: duration("clone", 0),
      checkout: duration("clone", 1),
      cliStart: first.receivedAt - new Date(agentStarted!.created_at).getTime(),
      cliExit: stepAt("agent", "finished") - lastResponse,
      commit: duration("commit"),
      push: duration("push"),
      finalize: new Date(task.finished_at!).getTime() - stepAt("push", "finished"),
    };
  }
}

const LABELS: Record<keyof Sample, string> = {
  firstRequest: "POST /v1/tasks → first model request",
  lastResponseToCompleted: "last model response → completed, branch pushed",
  sandbox: "sandbox create",
  fetch: "worker-side fetch (parallel with sandbox)",
  checkout: "copy + checkout in sandbox",
  cliStart: "Claude Code start → first request",
  cliExit: "last response → Claude Code exited",
  commit: "commit + bundle",
  push: "push (+ diff)",
  finalize: "push done → task completed",
};

const GOALS: Partial<Record<keyof Sample, string>> = {
  firstRequest: "p50 < 2500 ms",
  lastResponseToCompleted: "p50 < 1000 ms",
};

if (import.meta.main) {
  for (const figure of await benchAgentOverhead()) process.stdout.write(`BENCH ${JSON.stringify(figure)}\n`);
  process.exit(0);
}
