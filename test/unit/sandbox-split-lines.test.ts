import { describe, expect, it } from "vitest";
import { createCappedText } from "../../src/sandbox/capped-text.ts";
import { createGuardedLineListeners, createLineSplitter } from "../../src/sandbox/split-lines.ts";

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe("createLineSplitter", () => {
  it.each([
    [["a\nb\n"], ["a", "b"]],
    [
      ["a", "b\nc"],
      ["ab", "c"],
    ],
    [["a\r\nb\r\n"], ["a", "b"]],
    [["\n\n"], ["", ""]],
    [[""], []],
  ])("%j → %j", (chunks, expected) => {
    expect(split(chunks.map((chunk) => Buffer.from(chunk)))).toEqual(expected);
  });

  it("keeps a multi-byte character split across chunks intact", () => {
    const bytes = Buffer.from("✓ done\n");

    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)])).toEqual(["✓ done"]);
  });
});

describe("createCappedText", () => {
  it("keeps text up to the budget and says how much it dropped", () => {
    const text = createCappedText(10);

    text.append("12345");
    text.append("67890");
    text.append("overflow");

    expect(text.text()).toBe("1234567890[... 8 more bytes not kept ...]\n");
  });
});

describe("createGuardedLineListeners", () => {
  it("stops at the first callback that throws: keeps its error, stops the command once, delivers nothing more", () => {
    const seen: string[] = [];
    let stops = 0;
    const boom = new Error("listener broke");
    const lines = createGuardedLineListeners(
      {
        onStdout: (line) => {
          seen.push(`out:${line}`);
          if (line === "bad") throw boom;
        },
        onStderr: (line) => seen.push(`err:${line}`),
      },
      () => (stops += 1),
    );

    lines.stderr.push(Buffer.from("warn\n"));
    lines.stdout.push(Buffer.from("ok\nbad\nlater\n"));
    lines.stderrLine("notice");
    lines.stdout.end();

    expect(seen).toEqual(["err:warn", "out:ok", "out:bad"]);
    expect(lines.error()).toBe(boom);
    expect(stops).toBe(1);
  });

  it("without callbacks it only splits (nothing to stop)", () => {
    const lines = createGuardedLineListeners({}, () => {
      throw new Error("must not stop");
    });
    lines.stdout.push(Buffer.from("a\nb"));
    lines.stdout.end();
    lines.stderrLine("n");
    expect(lines.error()).toBeUndefined();
  });
});
