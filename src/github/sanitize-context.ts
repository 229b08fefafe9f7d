/**
 * Text written by other people (issue bodies, comments, review threads) reaches the agent as context,
 * never as instructions. Before it does, hidden content is removed, since a reader on GitHub cannot see
 * it: HTML comments, invisible and direction-changing characters, image alt text. Linear scans only.
 */

/**
 * Zero-width, bidi-control, soft-hyphen, word-joiner, BOM, variation-selector and Unicode tag
 * characters, as code point ranges (built with the RegExp constructor: some are combining marks).
 */
const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xe0000, 0xe007f],
  [0xe0100, 0xe01ef],
];
const INVISIBLE = new RegExp(
  `[${INVISIBLE_RANGES.map(([from, to]) => `\\u{${from.toString(16)}}-\\u{${to.toString(16)}}`).join("")}]`,
  "gu",
);

/** Removes content a human reader of the GitHub page would not see. */
export function sanitizeContext(text: string): string {
  const visible = removeHtmlComments(text).replace(INVISIBLE, "");
  return replaceImgTags(replaceMarkdownImages(visible));
}

/** Deletes `<!-- … -->`; an unclosed comment hides everything after it, as it does on GitHub. */
function removeHtmlComments(text: string): string {
  let out = "";
  let position = 0;
  for (;;) {
    const start = text.indexOf("<!--", position);
    if (start === -1) return out + text.slice(position);
    out += text.slice(position, start);
    const end = text.indexOf("-->", start + 4);
    if (end === -1) return out;
    position = end + 3;
  }
}

/** Alt text longer than this is not treated as an image (keeps every scan bounded). */
const MAX_ALT_CHARS = 1_000;

/** `![alt](url)` → `[image](url)`: alt text is invisible on the page, the link is not. */
function replaceMarkdownImages(text: string): string {
  let out = "";
  let position = 0;
  for (;;) {
    const start = text.indexOf("![", position);
    if (start === -1) return out + text.slice(position);
    const window = text.slice(start + 2, start + 2 + MAX_ALT_CHARS);
    const close = window.indexOf("](");
    const blankLine = window.indexOf("\n\n");
    if (close === -1 || (blankLine !== -1 && blankLine < close)) {
      out += text.slice(position, start + 2);
      position = start + 2;
      continue;
    }
    out += `${text.slice(position, start)}[image]`;
    position = start + 2 + close + 1;
  }
}

/** `<img …>` → `[image]`: alt and title attributes are hidden text. */
function replaceImgTags(text: string): string {
  const lower = text.toLowerCase();
  let out = "";
  let position = 0;
  for (;;) {
    const start = lower.indexOf("<img", position);
    if (start === -1) return out + text.slice(position);
    const end = lower.indexOf(">", start + 4);
    if (end === -1) return `${out}${text.slice(position, start)}[image]`;
    out += `${text.slice(position, start)}[image]`;
    position = end + 1;
  }
}

export interface ContextEntry {
  /** GitHub login of whoever wrote the text. */
  readonly author: string;
  /** What the text is ("issue body", "comment", "review comment on src/a.ts:12"). */
  readonly label: string;
  readonly body: string;
}

/**
 * Renders other people's words for the prompt: sanitized, each block fenced and labelled with its
 * author, so the agent can tell context from the request it was given.
 */
export function formatContextEntry(entry: ContextEntry, maxChars: number): string {
  const cleaned = sanitizeContext(entry.body).trim();
  const body = cleaned.length > maxChars ? `${cleaned.slice(0, maxChars)}\n[… truncated]` : cleaned;
  const author = sanitizeContext(entry.author);
  return [
    `<context author="@${author}" kind="${entry.label}">`,
    body === "" ? "(empty)" : body.split("</context>").join("</ context>"),
    "</context>",
  ].join("\n");
}
