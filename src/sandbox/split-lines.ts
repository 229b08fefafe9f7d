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

export type LineSplitter = ReturnType<typeof createLineSplitter>;

/**
 * Line splitters for a command's stdout and stderr whose callbacks never throw into a stream
 * event: the first callback that throws is kept (`error()`), no line is delivered after it, and
 * `onFailure` stops the command so the caller can hand the error on as run()'s. `stderrLine` hands
 * one whole line (a notice of the sandbox's own) to the stderr callback under the same guard.
 */
export function createGuardedLineListeners(
  listeners: {
    readonly onStdout?: ((line: string) => void) | undefined;
    readonly onStderr?: ((line: string) => void) | undefined;
  },
  onFailure: () => void,
): { stdout: LineSplitter; stderr: LineSplitter; stderrLine(line: string): void; error(): unknown } {
  let failure: unknown;
  const deliver =
    (listener: ((line: string) => void) | undefined) =>
    (line: string): void => {
      if (listener === undefined || failure !== undefined) return;
      try {
        listener(line);
      } catch (error) {
        failure = error;
        onFailure();
      }
    };
  return {
    stdout: createLineSplitter(deliver(listeners.onStdout)),
    stderr: createLineSplitter(deliver(listeners.onStderr)),
    stderrLine: deliver(listeners.onStderr),
    error: () => failure,
  };
}
