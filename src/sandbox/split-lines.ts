import { StringDecoder } from "node:string_decoder";

/**
 * Turns a byte stream into complete lines as they arrive (UTF-8 safe across chunk borders). `end()`
 * emits a last line that had no newline. Lines are passed without "\n" (and without a trailing "\r").
 */
export function createLineSplitter(onLine: (line: string) => void): {
  push(chunk: Buffer): void;
  end(): void;
} {
  const decoder = new StringDecoder("utf8");
  let pending = "";

  function emit(text: string): void {
    pending += text;
    let index = pending.indexOf("\n");
    while (index !== -1) {
      onLine(pending.slice(0, index).replace(/\r$/, ""));
      pending = pending.slice(index + 1);
      index = pending.indexOf("\n");
    }
  }

  return {
    push(chunk) {
      emit(decoder.write(chunk));
    },
    end() {
      emit(decoder.end());
      if (pending !== "") onLine(pending.replace(/\r$/, ""));
      pending = "";
    },
  };
}
