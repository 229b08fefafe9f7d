import { escapeHtml, raw, type SafeHtml } from "./html.ts";

/**
 * A small server-side highlighter for unified diffs: each line is classed as added, removed, hunk
 * header or context, and code inside it gets light token colours (comments, strings, keywords,
 * numbers). No client-side framework; every token is escaped.
 */

type LineKind = "add" | "del" | "hunk" | "meta" | "ctx";

const KEYWORDS = new Set(
  (
    "abstract as async await break case catch class const continue def default defer del do elif else " +
    "enum except export extends false final finally fn for from func function go if impl import in " +
    "instanceof interface let match mod module mut new nil none not null or and package pass private " +
    "protected pub public raise return self static struct super switch this throw throws true try type " +
    "typeof undefined use var void while with yield"
  ).split(" "),
);

const HASH_COMMENT_EXTENSIONS = new Set(["py", "rb", "sh", "bash", "yml", "yaml", "toml", "pl", "r", "ex"]);

/** One token pattern per class, tried left to right; the first match at a position wins. */
const TOKEN =
  /(\/\/.*$|\/\*.*?(?:\*\/|$))|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\d_.]*\b)|([A-Za-z_$][\w$]*)/g;
const HASH_TOKEN = /(#.*$)|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)|(\b\d[\d_.]*\b)|([A-Za-z_$][\w$]*)/g;

function extensionOf(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot === -1 ? "" : path.slice(dot + 1).toLowerCase();
}

/** Colours the code of one line; the text between tokens is escaped as is. */
export function highlightCode(code: string, path: string): string {
  const pattern = HASH_COMMENT_EXTENSIONS.has(extensionOf(path)) ? HASH_TOKEN : TOKEN;
  pattern.lastIndex = 0;
  let out = "";
  let last = 0;
  for (let match = pattern.exec(code); match !== null; match = pattern.exec(code)) {
    const [text, comment, string, number, word] = match;
    let cls: string | undefined;
    if (comment !== undefined) cls = "tok-c";
    else if (string !== undefined) cls = "tok-s";
    else if (number !== undefined) cls = "tok-n";
    else if (word !== undefined && KEYWORDS.has(word)) cls = "tok-k";
    if (cls === undefined) continue;
    out += escapeHtml(code.slice(last, match.index)) + `<span class="${cls}">${escapeHtml(text)}</span>`;
    last = match.index + text.length;
  }
  return out + escapeHtml(code.slice(last));
}

function kindOf(line: string, inHunk: boolean): LineKind {
  if (line.startsWith("@@")) return "hunk";
  if (!inHunk) return "meta";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  if (line.startsWith("\\")) return "meta";
  return "ctx";
}

/** Lines past this count are left out (with a note): a huge generated file must not stall the page. */
export const MAX_DIFF_LINES = 3000;

/** Renders a unified diff as escaped, highlighted lines inside a <pre>. */
export function highlightDiff(diff: string, path: string): SafeHtml {
  const lines = diff.replace(/\n$/, "").split("\n");
  const shown = lines.slice(0, MAX_DIFF_LINES);
  let out = '<pre class="diff"><code>';
  let inHunk = !lines.some((line) => line.startsWith("@@"));
  for (const line of shown) {
    if (line.startsWith("diff ")) inHunk = false;
    const kind = kindOf(line, inHunk);
    if (kind === "hunk") inHunk = true;
    const body =
      kind === "add" || kind === "del" || kind === "ctx"
        ? escapeHtml(line.slice(0, 1)) + highlightCode(line.slice(1), path)
        : escapeHtml(line);
    out += `<span class="dl dl-${kind}">${body}</span>`;
  }
  if (lines.length > shown.length) {
    out += `<span class="dl dl-meta">… ${lines.length - shown.length} more lines not shown</span>`;
  }
  return raw(out + "</code></pre>");
}
