import { pino } from "pino";
import { createLocalSandboxProvider } from "../../src/sandbox/local-sandbox.ts";

// TEST HELPER (run as its own process): holds a local sandbox running a long command, prints the
// bridge socket's path once the command runs, and waits to be killed.
const root = process.argv[2];
if (root === undefined) throw new Error("usage: local-sandbox-holder.ts <sandbox root>");
const provider = createLocalSandboxProvider({ root, log: pino({ level: "silent" }) });
const sandbox = await provider.create({ taskId: "orphan-check", timeoutMs: 120_000, allowedHosts: [] });
void sandbox.run("echo running; sleep 120", {
  onStdout: (line) => {
    if (line === "running") console.log(JSON.stringify({ running: true }));
  },
});
