import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { classifyRequest, turnIndexOf, type RequestKind } from "./classify-request.ts";
import type { ScriptedBlock, ScriptedFailure, ScriptedTurn } from "./scripted-model-script.ts";

/**
 * TEST DOUBLE: an Anthropic-compatible Messages API server that plays a script. The real Claude
 * Code CLI talks to it through ANTHROPIC_BASE_URL. Main-loop requests (the agent's turns, with
 * tools) get the script's turns, matched by the conversation's shape (how many assistant turns
 * follow the latest user prompt), not by counting requests, so retries and side requests do not
 * shift the script. Side requests (titles, token counts, model lists) get small sane answers.
 * Every request is recorded so tests can assert what the agent sent.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly kind: RequestKind;
  /** For main-loop requests: which turn of the script it asked for. */
  readonly turn: number | null;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly receivedAt: number;
}

export interface ScriptedModelServer {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Main-loop requests only. */
  mainRequests(): RecordedRequest[];
  /** Replaces the script (and forgets failures already served). */
  setScript(turns: readonly ScriptedTurn[]): void;
  /** Resolves when a request matching `predicate` has been received (or rejects after timeoutMs). */
  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  /** Time the last main-loop response finished (ms since epoch), or null. */
  lastMainResponseAt(): number | null;
  close(): Promise<void>;
}

const FINAL_WHEN_EXHAUSTED: ScriptedTurn = {
  blocks: [{ type: "text", text: "Scripted model: the script has no more turns." }],
};

export async function startScriptedModelServer(
  options: { script?: readonly ScriptedTurn[]; host?: string } = {},
): Promise<ScriptedModelServer> {
  let script: readonly ScriptedTurn[] = options.script ?? [];
  let failuresServed = new Map<number, number>();
  const requests: RecordedRequest[] = [];
  const waiters = new Set<{
    predicate: (r: RecordedRequest) => boolean;
    resolve: (r: RecordedRequest) => void;
  }>();
  const hanging = new Set<ServerResponse>();
  let lastMainAt: number | null = null;
  let toolIds = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown = null;
    try {
      body = raw === "" ? null : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const kind = classifyRequest(req.method ?? "GET", path, body);
    const turn = kind === "main" ? turnIndexOf(body) : null;
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path,
      kind,
      turn,
      body,
      headers: req.headers,
      receivedAt: Date.now(),
    };
    requests.push(record);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(record)) {
        waiters.delete(waiter);
        waiter.resolve(record);
      }
    }
    switch (kind) {
      case "main":
        return serveTurn(res, body, turn ?? 0);
      case "side_message":
        return serveMessage(res, body, { blocks: [{ type: "text", text: "Scripted task" }] });
      case "count_tokens":
        return json(res, 200, { input_tokens: 42 });
      case "models":
        return json(res, 200, {
          data: [{ id: "claude-sonnet-4-5", type: "model", display_name: "Scripted" }],
          has_more: false,
        });
      default:
        return json(res, 404, { type: "error", error: { type: "not_found_error", message: "Not found" } });
    }
  }

  async function serveTurn(res: ServerResponse, body: unknown, index: number): Promise<void> {
    const turn = script[index] ?? FINAL_WHEN_EXHAUSTED;
    const failures = turn.failures ?? [];
    const served = failuresServed.get(index) ?? 0;
    const failure: ScriptedFailure | undefined =
      served < failures.length ? failures[served] : turn.blocks === undefined ? failures.at(-1) : undefined;
    if (failure !== undefined) {
      failuresServed.set(index, served + 1);
      return serveFailure(res, failure);
    }
    await serveMessage(res, body, turn);
    lastMainAt = Date.now();
  }

  function serveFailure(res: ServerResponse, failure: ScriptedFailure): void {
    if (failure.kind === "hang") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (failure.kind === "stall") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(
        `event: message_start\ndata: ${JSON.stringify({
          type: "message_start",
          message: {
            id: `msg_stalled_${requests.length}`,
            type: "message",
            role: "assistant",
            model: "claude-scripted",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 100, output_tokens: 1 },
          },
        })}\n\n`,
      );
      return;
    }
    if (failure.kind === "garbage") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end("this is not an event stream\n\x00\x01garbage{{{\n\n");
      return;
    }
    json(res, failure.status, {
      type: "error",
      error: { type: failure.errorType ?? "api_error", message: failure.message ?? "scripted failure" },
    });
  }

  async function serveMessage(res: ServerResponse, body: unknown, turn: ScriptedTurn): Promise<void> {
    const cwd = workingDirectoryOf(body);
    const blocks = (turn.blocks ?? []).map((block) =>
      block.type === "tool_use"
        ? { ...block, input: withCwd(block.input, cwd), id: block.id ?? `toolu_scripted_${++toolIds}` }
        : block,
    );
    const stopReason =
      turn.stopReason ?? (blocks.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn");
    const model = modelOf(body);
    const id = `msg_scripted_${requests.length}`;
    if (turn.delayMs !== undefined) await sleep(turn.delayMs);
    const usage = { input_tokens: 100, output_tokens: 20 };
    const content = blocks.map(toContent);
    if (!isStreaming(body)) {
      json(res, 200, {
        id,
        type: "message",
        role: "assistant",
        model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      });
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = async (event: string, data: unknown): Promise<void> => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (turn.chunkDelayMs !== undefined) await sleep(turn.chunkDelayMs);
    };
    await send("message_start", {
      type: "message_start",
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
      },
    });
    for (const [index, block] of blocks.entries()) {
      if (block.type === "text") {
        await send("content_block_start", {
          type: "content_block_start",
          index,
          content_block: { type: "text", text: "" },
        });
        await send("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "text_delta", text: block.text },
        });
      } else {
        await send("content_block_start", {
          type: "content_block_start",
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        });
        const input = JSON.stringify(block.input);
        const half = Math.floor(input.length / 2);
        for (const part of [input.slice(0, half), input.slice(half)]) {
          await send("content_block_delta", {
            type: "content_block_delta",
            index,
            delta: { type: "input_json_delta", partial_json: part },
          });
        }
      }
      await send("content_block_stop", { type: "content_block_stop", index });
    }
    await send("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    await send("message_stop", { type: "message_stop" });
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    mainRequests: () => requests.filter((request) => request.kind === "main"),
    setScript(turns) {
      script = turns;
      failuresServed = new Map();
    },
    waitForRequest(predicate, timeoutMs = 30_000) {
      const found = requests.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (request: RecordedRequest) => {
            clearTimeout(timer);
            resolve(request);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error("Scripted model: no matching request in time"));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    lastMainResponseAt: () => lastMainAt,
    close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

function toContent(block: ScriptedBlock & { id?: string }): ContentBlock {
  if (block.type === "text") return { type: "text", text: block.text };
  return { type: "tool_use", id: block.id ?? "toolu_scripted", name: block.name, input: block.input };
}

/** The agent's working directory, as Claude Code states it in its environment section. */
function workingDirectoryOf(body: unknown): string | null {
  const match = /Primary working directory: ([^\s"\\]+)/.exec(JSON.stringify(body ?? null));
  return match?.[1] ?? null;
}

/** Replaces "$CWD" in string inputs with the agent's working directory (scripts cannot know it). */
function withCwd(input: Record<string, unknown>, cwd: string | null): Record<string, unknown> {
  if (cwd === null) return input;
  return JSON.parse(
    JSON.stringify(input, (_key, value: unknown) =>
      typeof value === "string" ? value.replaceAll("$CWD", cwd) : value,
    ),
  ) as Record<string, unknown>;
}

function isStreaming(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { stream?: unknown }).stream === true;
}

function modelOf(body: unknown): string {
  const model = typeof body === "object" && body !== null ? (body as { model?: unknown }).model : undefined;
  return typeof model === "string" ? model : "claude-scripted";
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
