/** Short texts the app replies with when no task is created. */

export function usageText(): string {
  return [
    "**Cloud Agent** usage:",
    "",
    "- `/agent <what you want>`: start a task (on an issue: a branch and a pull request; on a pull request: commits on its branch). A follow-up continues the conversation's last session.",
    "- `/agent new <what you want>`: start a task with a fresh session.",
    "- `/agent stop`: cancel the running or queued task here.",
    "- `/agent help`: this message.",
    "",
    "The command must start a line; text after it (and on the following lines) is the request. Settings live in `.github/cloud-agent.yml`.",
  ].join("\n");
}

export function refusalText(login: string, reason: "no_write_access" | "not_allowed_by_config"): string {
  return reason === "no_write_access"
    ? `@${login} only people with write access to this repository can start Cloud Agent.`
    : `@${login} this repository's \`.github/cloud-agent.yml\` limits who can start Cloud Agent, and you are not on that list.`;
}

export function invalidConfigText(problems: readonly string[]): string {
  return [
    "**Cloud Agent** did not start: `.github/cloud-agent.yml` is not valid.",
    "",
    ...problems.slice(0, 20).map((problem) => `- ${problem.split("\n").join(" ")}`),
    "",
    "Fix the file on the default branch and comment `/agent …` again.",
  ].join("\n");
}

export function forkNotEditableText(headRepo: string | null): string {
  const where = headRepo === null ? "a fork that no longer exists" : `the fork \`${headRepo}\``;
  return [
    `**Cloud Agent** cannot work on this pull request: its branch lives in ${where}, and the pull request does not allow edits from maintainers, so the app may not push there.`,
    "",
    'Ask the author to tick "Allow edits and access to secrets by maintainers", or open a pull request from a branch of this repository.',
  ].join("\n");
}

export function nothingToStopText(): string {
  return "**Cloud Agent**: nothing is running or queued here.";
}

export function commandGivenUpText(attempts: number): string {
  return [
    `**Cloud Agent** could not handle this command: the service was interrupted while working on it ${attempts} times, so it stopped trying.`,
    "",
    "Comment `/agent …` again to retry.",
  ].join("\n");
}
