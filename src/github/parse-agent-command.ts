import { sanitizeContext } from "./sanitize-context.ts";

/**
 * Finds the `/agent` command in a comment body. A command is a line that starts with `/agent`
 * (up to three spaces of indent, as Markdown allows) outside fenced code blocks, indented code,
 * block quotes and HTML comments; the rest of that line and every line after it form the prompt.
 * Linear scans with indexOf only: no regular expressions over user-controlled text.
 */

export type AgentCommand =
  | { readonly kind: "run"; readonly prompt: string; readonly newSession: boolean }
  | { readonly kind: "stop" }
  | { readonly kind: "help" };

const KEYWORD = "/agent";
/** GitHub caps comments at 65,536 characters; anything longer is not a comment we act on. */
export const MAX_COMMENT_CHARS = 65_536;

/** Returns the command in `body`, or null when the body holds none. */
export function parseAgentCommand(body: string): AgentCommand | null {
  const text = body.length > MAX_COMMENT_CHARS ? body.slice(0, MAX_COMMENT_CHARS) : body;
  const lines = text.split("\n");
  const state: ScanState = { fence: null, inHtmlComment: false };
  for (let index = 0; index < lines.length; index += 1) {
    const line = stripCarriageReturn(lines[index] ?? "");
    if (skipLine(line, state)) continue;
    const rest = restAfterKeyword(line);
    if (rest === null) continue;
    const following = lines.slice(index + 1).map(stripCarriageReturn);
    return commandFrom(rest, following);
  }
  return null;
}

interface ScanState {
  fence: { readonly char: string; readonly length: number } | null;
  inHtmlComment: boolean;
}

/** True when a line cannot hold a command (code, quote, HTML comment); updates the scan state. */
function skipLine(line: string, state: ScanState): boolean {
  if (state.inHtmlComment) {
    if (line.includes("-->")) state.inHtmlComment = false;
    return true;
  }
  const indent = leadingSpaces(line);
  const content = line.slice(indent);
  const fence = fenceOf(content);
  if (state.fence !== null) {
    if (fence !== null && fence.char === state.fence.char && fence.length >= state.fence.length) {
      state.fence = null;
    }
    return true;
  }
  if (indent >= 4) return true;
  if (fence !== null) {
    state.fence = fence;
    return true;
  }
  if (content.startsWith(">")) return true;
  if (content.startsWith("<!--")) {
    state.inHtmlComment = !content.includes("-->", 4);
    return true;
  }
  return false;
}

/** The text after `/agent` when the line starts with the keyword as a whole word, else null. */
function restAfterKeyword(line: string): string | null {
  const indent = leadingSpaces(line);
  if (indent >= 4) return null;
  const head = line.slice(indent, indent + KEYWORD.length);
  if (head.toLowerCase() !== KEYWORD) return null;
  const rest = line.slice(indent + KEYWORD.length);
  if (rest !== "" && !isSpace(rest.charAt(0))) return null;
  return rest.trim();
}

function commandFrom(rest: string, following: readonly string[]): AgentCommand {
  const body = following.join("\n").trim();
  const { word, remainder } = firstWord(rest);
  const keyword = word.toLowerCase();
  if ((keyword === "stop" || keyword === "cancel") && remainder === "" && body === "") {
    return { kind: "stop" };
  }
  if (keyword === "help" && remainder === "" && body === "") return { kind: "help" };
  if (keyword === "new") {
    const prompt = joinPrompt(remainder, body);
    return prompt === "" ? { kind: "help" } : { kind: "run", prompt, newSession: true };
  }
  const prompt = joinPrompt(rest, body);
  return prompt === "" ? { kind: "help" } : { kind: "run", prompt, newSession: false };
}

/** The instruction as a reader of the comment sees it: hidden HTML and invisible characters removed. */
function joinPrompt(firstLine: string, body: string): string {
  const joined = firstLine === "" ? body : body === "" ? firstLine : `${firstLine}\n${body}`;
  return sanitizeContext(joined).trim();
}

function firstWord(text: string): { word: string; remainder: string } {
  let end = 0;
  while (end < text.length && !isSpace(text.charAt(end))) end += 1;
  return { word: text.slice(0, end), remainder: text.slice(end).trim() };
}

/** A Markdown code fence opener/closer: three or more backticks or tildes. */
function fenceOf(content: string): { char: string; length: number } | null {
  const char = content.charAt(0);
  if (char !== "`" && char !== "~") return null;
  let length = 0;
  while (content.charAt(length) === char) length += 1;
  return length >= 3 ? { char, length } : null;
}

/** Count of leading spaces; a leading tab counts as four (Markdown's indented code). */
function leadingSpaces(line: string): number {
  let count = 0;
  while (count < line.length && line.charAt(count) === " ") count += 1;
  return line.charAt(count) === "\t" ? count + 4 : count;
}

function isSpace(char: string): boolean {
  return char === " " || char === "\t" || char === "\u00a0";
}

function stripCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
