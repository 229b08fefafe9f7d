import { spawn } from "node:child_process";

/**
 * Bench helpers run in a process of their own (load generators, burst senders) so they never share
 * the server's event loop: input goes in as JSON on stdin, the result comes back as JSON on stdout.
 */
export function runJsonChild<T>(script: string, input: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      resolve(JSON.parse(output) as T);
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** In the child: the whole of stdin, parsed. */
export function readJsonFromStdin<T>(): Promise<T> {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => (text += chunk));
    process.stdin.on("end", () => resolve(JSON.parse(text) as T));
    process.stdin.on("error", reject);
  });
}
