import { afterEach, describe, expect, it } from "vitest";
import { statusFailure, text, toolUse } from "../support/scripted-model/scripted-model-script.ts";
import {
  startScriptedModelServer,
  type ScriptedModelServer,
} from "../support/scripted-model/scripted-model-server.ts";

/** The scripted model is a test double; these tests pin the protocol details the real CLI relies on. */
let server: ScriptedModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const tools = [{ name: "Bash", input_schema: {} }];
const system = [{ type: "text", text: " - Primary working directory: /work/dir\n" }];

function post(body: unknown): Promise<Response> {
  return fetch(`${server!.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function sseEvents(body: string): Array<{ event: string; data: any }> {
  return body
    .trim()
    .split("\n\n")
    .map((frame) => {
      const [eventLine, dataLine] = frame.split("\n");
      return { event: eventLine!.slice(7), data: JSON.parse(dataLine!.slice(6)) };
    });
}

describe("scripted model server (test double)", () => {
  it("streams text and tool_use with input_json_delta, stop reason and usage", async () => {
    server = await startScriptedModelServer({
      script: [{ blocks: [text("Hi"), toolUse("Bash", { command: "ls $CWD" })] }],
    });

    const response = await post({
      model: "m",
      stream: true,
      tools,
      system,
      messages: [{ role: "user", content: "go" }],
    });
    const events = sseEvents(await response.text());

    expect(events.map((event) => event.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const json = events
      .filter((event) => event.data.delta?.type === "input_json_delta")
      .map((event) => event.data.delta.partial_json)
      .join("");
    expect(JSON.parse(json)).toEqual({ command: "ls /work/dir" });
    expect(events[8]!.data).toMatchObject({
      delta: { stop_reason: "tool_use" },
      usage: { output_tokens: 20 },
    });
  });

  it("answers by conversation shape: the turn after one tool call is turn 1, a new prompt restarts at 0", async () => {
    server = await startScriptedModelServer({
      script: [{ blocks: [text("zero")] }, { blocks: [text("one")] }],
    });
    const toolResult = { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "ok" }] };

    const one: any = await (
      await post({
        tools,
        messages: [{ role: "user", content: "go" }, { role: "assistant", content: [] }, toolResult],
      })
    ).json();
    const resumed: any = await (
      await post({
        tools,
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: [] },
          toolResult,
          { role: "assistant", content: [] },
          { role: "user", content: "again" },
        ],
      })
    ).json();

    expect(one.content).toEqual([{ type: "text", text: "one" }]);
    expect(resumed.content).toEqual([{ type: "text", text: "zero" }]);
    expect(server.mainRequests().map((request) => request.turn)).toEqual([1, 0]);
  });

  it("serves a turn's failures first, then its reply; a reply-less turn fails forever", async () => {
    server = await startScriptedModelServer({
      script: [{ failures: [statusFailure(529), statusFailure(429)], blocks: [text("ok")] }],
    });
    const body = { tools, messages: [{ role: "user", content: "go" }] };

    const statuses = [(await post(body)).status, (await post(body)).status, (await post(body)).status];
    server.setScript([{ failures: [statusFailure(500)] }]);
    const again = [(await post(body)).status, (await post(body)).status];

    expect(statuses).toEqual([529, 429, 200]);
    expect(again).toEqual([500, 500]);
  });

  it("gives side requests (no agent tools) a short answer without using the script", async () => {
    server = await startScriptedModelServer({ script: [{ failures: [statusFailure(500)] }] });

    const side = await post({ messages: [{ role: "user", content: "title this" }] });
    const count = await fetch(`${server.url}/v1/messages/count_tokens`, { method: "POST", body: "{}" });

    expect(side.status).toBe(200);
    expect(count.status).toBe(200);
    expect(server.requests.map((request) => request.kind)).toEqual(["side_message", "count_tokens"]);
  });

  it("answers garbage when asked to", async () => {
    server = await startScriptedModelServer({ script: [{ failures: [{ kind: "garbage" }] }] });

    const response = await post({ tools, stream: true, messages: [{ role: "user", content: "go" }] });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain("not an event stream");
  });
});
