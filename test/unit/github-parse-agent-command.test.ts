import { describe, expect, it } from "vitest";
import { parseAgentCommand, MAX_COMMENT_CHARS } from "../../src/github/parse-agent-command.ts";

describe("parseAgentCommand", () => {
  it.each([
    ["/agent fix the flaky date test", "fix the flaky date test"],
    ["  /agent fix it", "fix it"],
    ["/AGENT Fix It", "Fix It"],
    ["/agent\tfix it", "fix it"],
    ["Hello team\n/agent fix the bug\nin src/date.ts", "fix the bug\nin src/date.ts"],
    ["/agent\nfix the bug described above", "fix the bug described above"],
    ["/agent fix\r\nand test\r\n", "fix\nand test"],
    ["/agent add tests\n```ts\nconst x = 1;\n```", "add tests\n```ts\nconst x = 1;\n```"],
    ["/agent stop the clock from drifting", "stop the clock from drifting"],
    ["/agent help me write docs", "help me write docs"],
    ["/agent stop\nand then rewrite the parser", "stop\nand then rewrite the parser"],
    ["/agent fix one\n/agent fix two", "fix one\n/agent fix two"],
  ])("reads a run command from %j", (body, prompt) => {
    const command = parseAgentCommand(body);

    expect(command).toEqual({ kind: "run", prompt, newSession: false });
  });

  it.each([
    ["/agent new start over with a different approach", "start over with a different approach"],
    ["/agent NEW try again\nwith more detail", "try again\nwith more detail"],
    ["/agent new\nmultiline prompt", "multiline prompt"],
  ])("reads a fresh-session command from %j", (body, prompt) => {
    expect(parseAgentCommand(body)).toEqual({ kind: "run", prompt, newSession: true });
  });

  it.each(["/agent stop", "/agent   stop  ", "/agent Stop\n\n", "/agent cancel", "thanks\n/agent stop"])(
    "reads a stop command from %j",
    (body) => {
      expect(parseAgentCommand(body)).toEqual({ kind: "stop" });
    },
  );

  it.each(["/agent", "/agent ", "/agent help", "/agent HELP", "/agent new", "/agent new   \n  \n"])(
    "answers %j with usage",
    (body) => {
      expect(parseAgentCommand(body)).toEqual({ kind: "help" });
    },
  );

  it.each([
    ["no command", "Looks good to me"],
    ["empty body", ""],
    ["keyword inside a word", "/agents are great"],
    ["keyword with suffix", "/agent-fix this"],
    ["keyword mid-line", "please run /agent fix this"],
    ["inline code", "use `/agent fix` to start"],
    ["block quote", "> /agent fix the bug"],
    ["nested quote", "> > /agent fix the bug"],
    ["indented quote", "   > /agent fix the bug"],
    ["backtick fence", "```\n/agent fix the bug\n```"],
    ["tilde fence", "~~~md\n/agent fix the bug\n~~~"],
    ["longer fence closed only by an equal fence", "````\n```\n/agent fix\n````"],
    ["unclosed fence", "```\n/agent fix the bug"],
    ["indented code (4 spaces)", "    /agent fix the bug"],
    ["indented code (tab)", "\t/agent fix the bug"],
    ["HTML comment on one line", "<!-- /agent fix the bug -->"],
    ["HTML comment block", "<!--\n/agent fix the bug\n-->"],
    ["fenced block in a list of lines", "text\n```sh\n/agent stop\n```\nmore text"],
  ])("finds no command when %s", (_label, body) => {
    expect(parseAgentCommand(body)).toBeNull();
  });

  it("finds the command after a closed code block and quote", () => {
    const body = "> /agent quoted\n```\n/agent in code\n```\n<!-- hidden -->\n/agent real one";

    expect(parseAgentCommand(body)).toEqual({ kind: "run", prompt: "real one", newSession: false });
  });

  it("finds the command after an HTML comment block closes", () => {
    expect(parseAgentCommand("<!--\nhidden\n-->\n/agent go")).toEqual({
      kind: "run",
      prompt: "go",
      newSession: false,
    });
  });

  it("ignores text past GitHub's comment limit", () => {
    const body = `${"a".repeat(MAX_COMMENT_CHARS)}\n/agent fix`;

    expect(parseAgentCommand(body)).toBeNull();
  });

  it("scans a 10 MB body in linear time", () => {
    const body = `${"x\n".repeat(5_000_000)}`;
    const started = performance.now();

    const command = parseAgentCommand(body);

    expect(command).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
