// @bench-repeat 1
import { spawn } from "node:child_process";
import { text } from "../test/support/scripted-model/scripted-model-script.ts";
import { commentOn, waitUntil } from "../test/e2e/github-app-support.ts";
import {
  sendWebhookBurst,
  startGitHubServiceWorld,
  type GitHubServiceWorld,
} from "./support/github-service-world.ts";
import { latencyFigure, reportFigures, type BenchFigure } from "./support/bench-report.ts";

/**
 * The GitHub App's first feedback, on the whole stack as it runs in production: `cloud-agent serve`
 * and `cloud-agent worker` as their own processes (PostgreSQL, Redis, the fake GitHub under
 * GHE_HOST; the worker runs the real Claude Code CLI in the local sandbox against the scripted
 * model, a test double), signed webhooks sent over HTTP from this process:
 *   - webhook delivery → 👀 reaction and progress comment on the fake GitHub (goal p50 < 300 ms, p99 < 1 s),
 *     one command every ACK_GAP_MS in one installation: 2.2 s is 27 commands a minute, each two
 *     writes, just under the write cap of one a second after a burst of 10 (faster sustained
 *     rates in one installation wait for the cap by design: GitHub allows about 80 a minute)
 *   - webhook response time under a burst of 200 deliveries (goal p99 < 100 ms, none lost), sent
 *     from a separate process on one connection each: all at once, and spread over 1 s
 *   - webhook delivery → the agent's first model request (goal p50 < 3 s), one command every
 *     AGENT_GAP_MS after the previous task ended (a task is about eight writes; at a sustained rate
 *     over the write cap the first feedback, and so the start, waits for the cap)
 *   node bench/github-webhooks.ts
 */
const OWNER = "bench";
const REPO = "hello";
const ACK_RUNS = Number(process.env.BENCH_ACK_RUNS ?? 30);
const BURST = Number(process.env.BENCH_BURST ?? 200);
const AGENT_RUNS = Number(process.env.BENCH_AGENT_RUNS ?? 5);
const ACK_GAP_MS = Number(process.env.BENCH_ACK_GAP_MS ?? 2_200);
/** A whole task is about eight writes (👀, comment, edits, check run): one every 10 s stays under the cap. */
const AGENT_GAP_MS = Number(process.env.BENCH_AGENT_GAP_MS ?? 10_000);

let nextIssue = 1;
function delivery(world: GitHubServiceWorld) {
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

async function ackLatency(world: GitHubServiceWorld, runs: number): Promise<number[]> {
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
  world: GitHubServiceWorld,
  spreadMs: number,
): Promise<{ latencies: number[]; lost: number; statuses: Record<string, number> }> {
  const deliveries = Array.from({ length: BURST }, () => delivery(world));
  const responses = await world.burst(
    "issue_comment",
    deliveries.map(({ payload }) => payload),
    spreadMs,
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

function deliveryPayloads(world: GitHubServiceWorld, count: number): unknown[] {
  return Array.from({ length: count }, () => delivery(world).payload as unknown);
}

/**
 * The same burst against a bare node:http server in its own process that reads each body and
 * answers 200: what the sender, the kernel and one Node process cost on this machine, before any
 * webhook work.
 */
async function bareServerBurst(payloads: unknown[]): Promise<number[]> {
  const server = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("node:http").createServer((q, r) => { q.resume(); q.on("end", () => r.end("ok")); });
       s.listen(0, "127.0.0.1", () => console.log(s.address().port));`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const port = await new Promise<string>((resolve) =>
      server.stdout.once("data", (data) => resolve(String(data).trim())),
    );
    const results = await sendWebhookBurst({
      url: `http://127.0.0.1:${port}/`,
      secret: "bare",
      event: "issue_comment",
      payloads,
      spreadMs: 0,
    });
    return results.map((result) => result.ms);
  } finally {
    server.kill();
  }
}

async function firstModelRequest(world: GitHubServiceWorld): Promise<number[]> {
  world.model.setScript([{ blocks: [text("Nothing to change.")] }]);
  const samples: number[] = [];
  for (let run = 0; run < AGENT_RUNS; run++) {
    const { number, payload } = delivery(world);
    const before = world.model.mainRequests().length;
    if (run > 0) await new Promise((resolve) => setTimeout(resolve, AGENT_GAP_MS));
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

const world = await startGitHubServiceWorld();
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
  // The ack runs used most of the installation's write bucket; start from a refilled one, as a
  // command in an installation that is not at GitHub's write cap does.
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const worker = await world.startWorker();
  const firstRequest = await firstModelRequest(world);
  await worker.stop();
  process.stderr.write("github-webhooks: first model request done\n");
  const atOnce = await burst(world, 0);
  // The commands of the first burst are still being acknowledged (write cap); let them finish.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const spread = await burst(world, 1_000);
  const lost = atOnce.lost + spread.lost;
  const floor = await bareServerBurst(deliveryPayloads(world, BURST));
  if (lost > 0)
    throw new Error(
      `${lost} of ${2 * BURST} deliveries lost (statuses ${JSON.stringify([atOnce.statuses, spread.statuses])})`,
    );
  const figures: BenchFigure[] = [
    latencyFigure("GitHub delivery → 👀 + progress comment", ack, "p50 < 300 ms, p99 < 1 s"),
    latencyFigure(`GitHub webhook response, ${BURST} at once`, atOnce.latencies, "p99 < 100 ms, none lost"),
    latencyFigure(
      `GitHub webhook response, ${BURST} within 1 s`,
      spread.latencies,
      "p99 < 100 ms, none lost",
    ),
    latencyFigure(
      `Same ${BURST} at once to a bare node:http server (this machine's floor)`,
      floor,
      "context",
    ),
    { name: `GitHub burst deliveries lost (of ${2 * BURST})`, unit: "count", value: lost, goal: "0" },
    latencyFigure("GitHub delivery → first model request", firstRequest, "p50 < 3 s"),
  ];
  reportFigures(figures);
} finally {
  await world.close();
}
