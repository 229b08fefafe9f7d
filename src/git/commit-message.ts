export const TASK_TRAILER = "Cloud-Agent-Task";

export interface CommitMessageInput {
  readonly taskId: string;
  readonly prompt: string;
  readonly summary: string | null;
  /** "Name <email>" of the person who asked, when known. */
  readonly coAuthor: string | null;
}

/**
 * The message of the commit Cloud Agent makes from the agent's leftovers: a subject from the
 * prompt, the agent's summary, the full prompt, and trailers (the task id, the requester).
 */
export function buildCommitMessage(input: CommitMessageInput): string {
  const subject = subjectFrom(input.prompt);
  const parts = [subject];
  const summary = input.summary?.trim();
  if (summary !== undefined && summary !== "") parts.push(clip(summary, 3000));
  if (input.prompt.trim() !== subject) parts.push(`Prompt:\n${clip(input.prompt.trim(), 2000)}`);
  parts.push(taskTrailers(input.taskId, input.coAuthor).join("\n"));
  return `${parts.join("\n\n")}\n`;
}

export function taskTrailers(taskId: string, coAuthor: string | null): string[] {
  return [`${TASK_TRAILER}: ${taskId}`, ...(coAuthor === null ? [] : [`Co-authored-by: ${coAuthor}`])];
}

/** True when a commit message carries this task's trailer (an earlier attempt pushed it). */
export function hasTaskTrailer(message: string, taskId: string): boolean {
  return message.split("\n").some((line) => line.trim() === `${TASK_TRAILER}: ${taskId}`);
}

/** "octocat" + "octo@example.com" → "octocat <octo@example.com>"; a login alone gets GitHub's noreply address. */
export function coAuthorOf(login: string | null, email: string | undefined): string | null {
  if (login === null || login.trim() === "") return email === undefined ? null : `${email} <${email}>`;
  const name = login.trim().replace(/[<>\n]/g, "");
  return `${name} <${email ?? `${name}@users.noreply.github.com`}>`;
}

function subjectFrom(prompt: string): string {
  const line = (prompt.trim().split("\n")[0] ?? "").replace(/\s+/g, " ").trim();
  const text = line === "" ? "Changes by Cloud Agent" : line;
  return text.length <= 72 ? text : `${text.slice(0, 71)}…`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
