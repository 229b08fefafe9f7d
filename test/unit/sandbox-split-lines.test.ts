import { describe, expect, it } from "vitest";
import { createCappedText } from "../../src/sandbox/capped-text.ts";
import { createLineSplitter } from "../../src/sandbox/split-lines.ts";

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
