import { execFile } from "node:child_process";

/** The worker's bare repository as one tar (git's packs are compressed already). */
export function packRepository(dir: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      "tar",
      ["-C", dir, "-cf", "-", "."],
      { encoding: "buffer", maxBuffer: 2 * 1024 * 1024 * 1024 },
      (error, stdout) =>
        error === null ? resolve(stdout) : reject(new Error(`tar failed: ${error.message}`)),
    );
  });
}
