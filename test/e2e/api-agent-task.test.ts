import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { text, toolUse } from "../support/scripted-model/scripted-model-script.ts";
import {
  createTask,
  GIT_TOKEN,
  logsOf,
  MODEL_KEY,
  startAgentWorld,
  waitForStatus,
  type AgentWorld,
} from "./api-agent-support.ts";

let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld();
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe("POST /v1/tasks with the real Claude Code in the local sandbox", () => {
  it("writes and edits files, pushes the branch and serves logs, files and session", async () => {
    const repoUrl = await world.git.createRepo("hello", {
      "README.md": "# Hello\n",
      "src/app.js": "console.log(1);\n",
    });
    world.model.setScript([
      {
        blocks: [
          text("I'll add a greeting module."),
          toolUse("Write", { file_path: "$CWD/src/greet.js", content: "export const greet = () => 'hi';\n" }),
        ],
      },
      { blocks: [toolUse("TaskCreate", { subject: "Update README", description: "mention greet" })] },
      {
        blocks: [
          toolUse("Edit", {
            file_path: "$CWD/README.md",
            old_string: "# Hello",
            new_string: "# Hello\n\nNow with greet().",
          }),
        ],
      },
      { blocks: [toolUse("Bash", { command: "git status --short", description: "status" })], delayMs: 1500 },
      { blocks: [text("Added src/greet.js and documented it in the README.")] },
    ]);
    const live = collectSse(world, "hello");

    const { id } = await createTask(world.app, { repository_url: repoUrl, prompt: "Add a greet helper" });
    live.start(id);
    const task = await waitForStatus(world.app, id, ["completed", "failed", "cancelled"]);

    expect(task.status, JSON.stringify(task)).toBe("completed");
    expect(task.result).toBe("Added src/greet.js and documented it in the README.");
    expect(task.num_turns).toBe(5);
    // The prompt reaches the model (it travels on Claude Code's stdin, not its argv).
    expect(JSON.stringify(world.model.mainRequests()[0]?.body)).toContain("Add a greet helper");
    expect(task.cost_usd).toBeGreaterThan(0);
    const row = await world.database.db
      .selectFrom("tasks")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.claude_code_version).toBe("2.1.330");
    expect(row.sandbox_id).toMatch(/^sbx-/);
    const branch = String(task.work_branch);
    expect(branch).toMatch(new RegExp(`^agent/${id.replace(/-/g, "").slice(0, 8)}-add-a-greet-helper$`));
    expect(await world.git.branchSha("hello", branch)).toBe(task.commit_sha);
    expect(await world.git.readFile("hello", branch, "src/greet.js")).toBe(
      "export const greet = () => 'hi';\n",
    );
    expect(await world.git.readFile("hello", branch, "README.md")).toBe("# Hello\n\nNow with greet().\n");
    const message = await world.git.git("hello", ["log", "-1", "--format=%an%n%B", branch]);
    expect(message).toContain("cloud-agent[bot]");
    expect(message).toContain(`Cloud-Agent-Task: ${id}`);
    expect(message).toContain("Added src/greet.js");

    const events = await logsOf(world.app, id);
    const tools = events
      .filter((event) => event.type === "tool_call")
      .map((event) => `${event.payload.name}: ${event.payload.summary}`);
    expect(tools).toEqual([
      "Write: src/greet.js",
      "TaskCreate: Update README",
      "Edit: README.md",
      "Bash: git status --short",
    ]);
    expect(events.find((event) => event.type === "todo")?.payload.items).toEqual([
      { content: "Update README", status: "pending" },
    ]);
    const steps = events
      .filter((event) => event.type === "step" && event.payload.state === "finished")
      .map((event) => event.payload.step);
    expect(steps).toEqual(expect.arrayContaining(["sandbox", "clone", "agent", "commit", "push"]));
    expect(events.some((event) => event.type === "pushed" && event.payload.branch === branch)).toBe(true);

    const liveEvents = await live.done;
    expect(liveEvents.toolCallsWhileRunning).toBeGreaterThan(0);

    const files = (await (await world.app.request(`/v1/tasks/${id}/files`)).json()) as { data: any[] };
    const byPath = Object.fromEntries(files.data.map((file) => [file.path, file]));
    expect(byPath["src/greet.js"]).toMatchObject({ change: "added", additions: 1, deletions: 0 });
    expect(byPath["README.md"]).toMatchObject({ change: "modified", additions: 2, deletions: 0 });
    expect(byPath["README.md"].diff).toContain("+Now with greet().");

    const session = (await (await world.app.request(`/v1/tasks/${id}/session`)).json()) as Record<
      string,
      any
    >;
    expect(session.session_id).toBe(task.agent_session_id);
    expect(session.content).toContain("Add a greet helper");
    expect(JSON.stringify(session.resume)).toContain(String(task.agent_session_id));

    assertNoSecrets(JSON.stringify({ task, events, files, session }));
  }, 120_000);
});

describe("commits the agent made itself", () => {
  it("are pushed as they are, the last one marked with the task trailer", async () => {
    const repoUrl = await world.git.createRepo("selfcommit", { "a.txt": "a\n" });
    world.model.setScript([
      {
        blocks: [
          toolUse("Bash", {
            command: "echo x > x.txt && git add x.txt && git commit -q -m 'Add x by the agent'",
          }),
        ],
      },
      { blocks: [text("Committed x.txt.")] },
    ]);

    const { id } = await createTask(world.app, { repository_url: repoUrl, prompt: "Add x" });
    const task = await waitForStatus(world.app, id, ["completed", "failed", "cancelled"]);

    expect(task.status, JSON.stringify(task.error)).toBe("completed");
    const log = await world.git.git("selfcommit", [
      "log",
      "--format=%s|%B",
      `main..${String(task.work_branch)}`,
    ]);
    expect(log.match(/\|/g)).toHaveLength(1);
    expect(log).toContain("Add x by the agent");
    expect(log).toContain(`Cloud-Agent-Task: ${id}`);
  }, 90_000);
});

/** Follows /logs over SSE and counts tool calls that arrive while the task is still running. */
function collectSse(w: AgentWorld, _label: string) {
  let resolveDone: (value: { toolCallsWhileRunning: number }) => void = () => undefined;
  const done = new Promise<{ toolCallsWhileRunning: number }>((resolve) => (resolveDone = resolve));
  return {
    done,
    start(id: string) {
      void (async () => {
        let count = 0;
        const response = await w.app.request(`/v1/tasks/${id}/logs`, {
          headers: { accept: "text/event-stream" },
        });
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done: ended } = await reader.read();
          if (ended) break;
          buffer += decoder.decode(value, { stream: true });
          let index: number;
          while ((index = buffer.indexOf("\n\n")) !== -1) {
            const frame = buffer.slice(0, index);
            buffer = buffer.slice(index + 2);
            if (/^event: tool_call$/m.test(frame)) {
              const status = ((await (await w.app.request(`/v1/tasks/${id}`)).json()) as { status: string })
                .status;
              if (status === "running") count += 1;
            }
            if (/^event: end$/m.test(frame)) {
              await reader.cancel();
              resolveDone({ toolCallsWhileRunning: count });
              return;
            }
          }
        }
        resolveDone({ toolCallsWhileRunning: count });
      })();
    },
  };
}

export function assertNoSecrets(text: string): void {
  expect(text).not.toContain(GIT_TOKEN);
  expect(text).not.toContain(Buffer.from(`x-access-token:${GIT_TOKEN}`).toString("base64"));
  expect(text).not.toContain(MODEL_KEY);
}
