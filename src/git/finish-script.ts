import { quote } from "../sandbox/shell-quote.ts";
import { taskTrailers } from "./commit-message.ts";

export interface FinishScriptInput {
  readonly startSha: string;
  readonly messagePath: string;
  readonly bundlePath: string;
  readonly taskId: string;
  readonly coAuthor: string | null;
  readonly botName: string;
  readonly botEmail: string;
}

/** What the finish script prints last: "NO_CHANGES" or "HEAD <sha>". */
export function parseFinishOutput(
  stdout: string,
): { kind: "no_changes" } | { kind: "changes"; head: string } | null {
  const lines = stdout.trim().split("\n");
  const last = lines.at(-1)?.trim() ?? "";
  if (last === "NO_CHANGES") return { kind: "no_changes" };
  const match = /^HEAD ([0-9a-f]{40,64})$/.exec(last);
  return match?.[1] === undefined ? null : { kind: "changes", head: match[1] };
}

/**
 * Shell run in the sandbox after the agent has exited: commit what is left (bot author, task
 * trailer), make sure the tip carries the task trailer (so a retry can tell it already pushed),
 * and bundle the new commits for the worker. Hooks are off: nothing the agent wrote runs here.
 */
export function buildFinishScript(input: FinishScriptInput): string {
  const git = `git -c core.hooksPath=/dev/null -c user.name=${quote(input.botName)} -c user.email=${quote(input.botEmail)}`;
  const trailers = taskTrailers(input.taskId, input.coAuthor)
    .map((trailer) => `--trailer ${quote(trailer)}`)
    .join(" ");
  return [
    "set -e",
    "git add -A",
    "committed=",
    `if ! git diff --cached --quiet; then ${git} commit -q --no-verify -F ${quote(input.messagePath)}; committed=1; fi`,
    `if [ "$(git rev-parse HEAD)" = ${quote(input.startSha)} ]; then echo NO_CHANGES; exit 0; fi`,
    // Our own commit carries the trailer; an agent's last commit gets it added.
    `if [ -z "$committed" ] && ! git log -1 --format=%B | grep -qxF ${quote(taskTrailers(input.taskId, null)[0] ?? "")}; then ${git} commit -q --no-verify --amend --no-edit ${trailers}; fi`,
    `git bundle create -q ${quote(input.bundlePath)} HEAD ${quote(`^${input.startSha}`)}`,
    'echo "HEAD $(git rev-parse HEAD)"',
  ].join("\n");
}
