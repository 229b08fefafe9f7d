import { Marked, type Tokens } from "marked";
import { escapeHtml, raw, type SafeHtml } from "./html.ts";

/**
 * Markdown for the agent's messages. The agent's text is untrusted: raw HTML is shown as text,
 * links keep only http(s)/mailto targets, and images become plain links (nothing is loaded from
 * other hosts).
 */

const SAFE_HREF = /^(https?:|mailto:|#|\/(?!\/))/i;

function safeLink(href: string, label: string, title: string | null | undefined): string {
  if (!SAFE_HREF.test(href.trim())) return label;
  const titleAttr = title ? ` title="${escapeHtml(title)}"` : "";
  return `<a href="${escapeHtml(href.trim())}"${titleAttr} rel="nofollow noopener noreferrer">${label}</a>`;
}

/** Creates a renderer; one per process is enough (it holds no per-call state). */
export function createMarkdownRenderer(): (markdown: string) => SafeHtml {
  const marked = new Marked({ gfm: true, breaks: false, async: false });
  marked.use({
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(text);
      },
      link({ href, title, tokens }: Tokens.Link): string {
        return safeLink(href, this.parser.parseInline(tokens), title);
      },
      image({ href, title, text }: Tokens.Image): string {
        return safeLink(href, escapeHtml(text === "" ? href : text), title);
      },
    },
  });
  return (markdown) => raw(marked.parse(markdown, { async: false }));
}
