/**
 * Escaping HTML templates for the task pages. Every interpolated value is escaped unless it is
 * already `SafeHtml` (built by this module), so agent output, file names and diffs can never inject
 * markup.
 */

export interface SafeHtml {
  readonly __html: string;
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

const NEEDS_ESCAPE = /[&<>"']/;
const ALL_SPECIALS = /[&<>"']/g;

/** Escapes text for use in element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  // Most text has nothing to escape: skip the replace (and its callback) then.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ALL_SPECIALS, (char) => ESCAPES[char] ?? char);
}

/** Marks a string that is already valid, escaped HTML (only for output of trusted renderers). */
export function raw(markup: string): SafeHtml {
  return { __html: markup };
}

function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === "object" && value !== null && "__html" in value;
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (typeof value === "string") return escapeHtml(value);
  if (typeof value === "number" || value === true) return String(value);
  if (isSafeHtml(value)) return value.__html;
  return value.map(render).join("");
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes `text`; nested `html` results pass through. */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let index = 0; index < values.length; index += 1) {
    out += render(values[index]) + (strings[index + 1] ?? "");
  }
  return { __html: out };
}
