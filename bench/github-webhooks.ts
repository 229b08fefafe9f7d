// @bench-repeat 1
import { sql } from "kysely";
import { text } from "../test/support/scripted-model/scripted-model-script.ts";
import { commentOn, startGitHubWorld, waitUntil, type GitHubWorld } from "../test/e2e/github-app-support.ts";
import { latencyFigure, reportFigures, type BenchFigure } from "./support/bench-report.ts";

/**
 * The GitHub App's first feedback, on the whole stack (signed webhooks over HTTP to the web server,
 * PostgreSQL, Redis, the fake GitHub under GHE_HOST; worker with the real Claude Code CLI in the
 * local sandbox against the scripted model, a test double):
 *   - webhook delivery → 👀 reaction and progress comment on the fake GitHub (goal p50 < 300 ms, p99 < 1 s),
 *     one command every ACK_GAP_MS in one installation: 2.2 s is 27 commands a minute, each two
 *     writes, just under the write cap of one a second after a burst of 10 (faster sustained
 *     rates in one installation wait for the cap by design: GitHub allows about 80 a minute)
 *   - webhook response time under a burst of 200 deliveries (goal p99 < 100 ms, none lost)
 *   - webhook delivery → the agent's first model request (goal p50 < 3 s)
 *   node bench/github-webhooks.ts
 */
const OWNER = "bench";
const REPO = "hello";
const ACK_RUNS = Number(process.env.BENCH_ACK_RUNS ?? 30);
const BURST = Number(process.env.BENCH_BURST ?? 200);
const AGENT_RUNS = Number(process.env.BENCH_AGENT_RUNS ?? 5);
const ACK_GAP_MS = Number(process.env.BENCH_ACK_GAP_MS ?? 2_200);

let nextIssue = 1;
function delivery(world: GitHubWorld) {
  const number = nextIssue++;
  const commentId = 100_000 + number;
  const payload = commentOn(world.github, {
    owner: OWNER,
    repo: REPO,
    number,
    title: `Issue ${number}`,
    body: `/agent task ${number}`,
    login: "alice",
    commentId,
  });
  return { number, commentId, payload };
}

async function ackLatency(world: GitHubWorld, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { number, commentId, payload } = delivery(world);
    const started = Date.now();
    await world.deliver("issue_comment", payload);
    const done = await waitUntil(
      () => {
        const eyes = world.github.state.reactions.find((reaction) => reaction.commentId === commentId);
        const comment = world.github.state.comments.find(
          (entry) => entry.repo === REPO && entry.issueNumber === number,
        );
        return eyes !== undefined && comment !== undefined ? Math.max(eyes.at, comment.createdAt) : undefined;
      },
      30_000,
      "ack",
    );
    samples.push(done - started);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + ACK_GAP_MS - Date.now())));
  }
  return samples;
}

async function burst(
  world: GitHubWorld,
): Promise<{ latencies: number[]; lost: number; statuses: Record<string, number> }> {
  const deliveries = Array.from({ length: BURST }, () => delivery(world));
  const responses = await Promise.all(
    deliveries.map(({ payload }) => world.deliver("issue_comment", payload)),
  );
  const statuses: Record<string, number> = {};
  for (const response of responses) statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  const numbers = deliveries.map((entry) => entry.number);
  const counted = await waitUntil(
    async () => {
      const row = await world.database.db
        .selectFrom("tasks")
        .select((select) => select.fn.countAll<string>().as("count"))
        .where("issue_number", "in", numbers)
        .executeTakeFirstOrThrow();
      return Number(row.count) === BURST ? Number(row.count) : undefined;
    },
    120_000,
    "burst tasks",
  ).catch(() => 0);
  return { latencies: responses.map((response) => response.ms), lost: BURST - counted, statuses };
}

async function firstModelRequest(world: GitHubWorld): Promise<number[]> {
  world.model.setScript([{ blocks: [text("Nothing to change.")] }]);
  const samples: number[] = [];
  for (let run = 0; run < AGENT_RUNS; run++) {
    const { number, payload } = delivery(world);
    const before = world.model.mainRequests().length;
    const started = Date.now();
    await world.deliver("issue_comment", payload);
    const request = await waitUntil(() => world.model.mainRequests()[before], 60_000, "first model request");
    samples.push(request.receivedAt - started);
    await waitUntil(
      async () => {
        const task = await world.database.db
          .selectFrom("tasks")
          .select("status")
          .where("issue_number", "=", number)
          .executeTakeFirst();
        return task !== undefined && ["completed", "failed", "cancelled"].includes(task.status)
          ? true
          : undefined;
      },
      120_000,
      "task end",
    );
  }
  return samples;
}

const world = await startGitHubWorld({ worker: false });
try {
  await world.github.createRepo({
    owner: OWNER,
    name: REPO,
    files: { "a.txt": "a\n" },
    permissions: { alice: "write" },
  });
  // Warm-up: JWT, installation token, connection pools.
  await ackLatency(world, 3);
  process.stderr.write("github-webhooks: warm-up done\n");
  const ack = await ackLatency(world, ACK_RUNS);
  process.stderr.write("github-webhooks: ack latency done\n");
  // With a worker: delivery → the agent's first model request; then stop it for the burst.
  const worker = world.app.startWorker({ concurrency: 1, pollMs: 200 });
  const firstRequest = await firstModelRequest(world);
  await worker.close(1000);
  process.stderr.write("github-webhooks: first model request done\n");
  const { latencies, lost, statuses } = await burst(world);
  if (lost > 0) throw new Error(`${lost} of ${BURST} deliveries lost (statuses ${JSON.stringify(statuses)})`);
  await world.app.deps.queue.queue.obliterate({ force: true });
  await sql`update tasks set status = 'cancelled' where status in ('pending','queued')`.execute(
    world.database.db,
  );
  const figures: BenchFigure[] = [
    latencyFigure("GitHub delivery → 👀 + progress comment", ack, "p50 < 300 ms, p99 < 1 s"),
    latencyFigure(`GitHub webhook response, burst of ${BURST}`, latencies, "p99 < 100 ms, none lost"),
    { name: `GitHub burst deliveries lost (of ${BURST})`, unit: "count", value: lost, goal: "0" },
    latencyFigure("GitHub delivery → first model request", firstRequest, "p50 < 3 s"),
  ];
  reportFigures(figures);
} finally {
  await world.close();
}
