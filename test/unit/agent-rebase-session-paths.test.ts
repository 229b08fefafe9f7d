import { describe, expect, it } from "vitest";
import { rebaseSessionPaths } from "../../src/agent/rebase-session-paths.ts";

const OLD = "/srv/sandboxes/sbx-1/workspace";
const NEW = "/srv/sandboxes/sbx-2/workspace";

const session = [
  JSON.stringify({ type: "summary", summary: "Added b.txt" }),
  JSON.stringify({ type: "user", cwd: OLD, message: { role: "user", content: "add b.txt" } }),
  JSON.stringify({
    type: "assistant",
    cwd: OLD,
    message: { content: [{ type: "tool_use", name: "Write", input: { file_path: `${OLD}/b.txt` } }] },
  }),
  "",
].join("\n");

describe("rebaseSessionPaths", () => {
  it("moves every occurrence of the earlier workspace path to the new workspace", () => {
    const rebased = rebaseSessionPaths(session, NEW);

    expect(rebased).not.toContain(OLD);
    expect(rebased).toContain(`"cwd":"${NEW}"`);
    expect(rebased).toContain(`"file_path":"${NEW}/b.txt"`);
    expect(
      rebased
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line)),
    ).toHaveLength(3);
  });

  it.each([
    ["the same workspace", session, OLD],
    ["no cwd at all", `${JSON.stringify({ type: "summary" })}\nnot json`, NEW],
  ])("leaves the file alone with %s", (_name, content, workdir) => {
    expect(rebaseSessionPaths(content, workdir)).toBe(content);
  });
});
