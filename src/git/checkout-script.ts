import { quote } from "../sandbox/shell-quote.ts";

/** Claude Code's own configuration: on PR tasks these come from the base branch, not the PR head. */
export const AGENT_CONFIG_PATHS = ["CLAUDE.md", ".claude", ".mcp.json"] as const;

export interface CheckoutScriptInput {
  /** The tar of the worker's bare repository, already written into the sandbox. */
  readonly tarPath: string;
  /** Shown as origin (no credentials; the agent cannot push anyway). */
  readonly displayUrl: string;
  readonly workBranch: string;
  /** The commit the work starts from. */
  readonly startSha: string;
  /** Set on PR tasks: restore Claude Code's config from this branch (present in the repo). */
  readonly configFromBranch: string | null;
  readonly botName: string;
  readonly botEmail: string;
}

/**
 * Shell run in the sandbox's workdir: unpack the repository, check out the work branch, and on PR
 * tasks replace CLAUDE.md, .claude/ and .mcp.json with the base branch's (or remove them), hidden
 * from `git add` so they are never committed.
 */
export function buildCheckoutScript(input: CheckoutScriptInput): string {
  const lines = [
    "set -e",
    "mkdir -p .git",
    `tar -xf ${quote(input.tarPath)} -C .git`,
    `rm -f ${quote(input.tarPath)}`,
    "git config core.bare false",
    "git config core.logAllRefUpdates true",
    `git config remote.origin.url ${quote(input.displayUrl)}`,
    `git config user.name ${quote(input.botName)}`,
    `git config user.email ${quote(input.botEmail)}`,
    `git checkout -q -B ${quote(input.workBranch)} ${quote(input.startSha)}`,
  ];
  if (input.configFromBranch !== null) {
    const base = `refs/heads/${input.configFromBranch}`;
    for (const path of AGENT_CONFIG_PATHS) {
      const p = quote(path);
      lines.push(
        `git ls-files -z -- ${p} | xargs -0 -r git update-index --skip-worktree --`,
        `rm -rf ${p}`,
        `if git cat-file -e ${quote(`${base}:${path}`)} 2>/dev/null; then git archive ${quote(base)} ${p} | tar -x; fi`,
        `echo ${quote(`/${path}`)} >> .git/info/exclude`,
      );
    }
  }
  lines.push("git rev-parse HEAD");
  return lines.join("\n");
}
