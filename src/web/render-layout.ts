import { html, type SafeHtml } from "./html.ts";

/** The HTML document around every page: metadata, stylesheet, top bar, optional script. */
export interface LayoutOptions {
  title: string;
  publicUrl: string;
  /** Admin session present: show the task list link and the sign-out button. */
  signedIn: boolean;
  script?: boolean;
  body: SafeHtml;
}

export function renderLayout(options: LayoutOptions): string {
  const base = options.publicUrl;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${options.title} · Cloud Agent</title>
        <link rel="stylesheet" href="/web-assets/web.css" />
        ${options.script ? html`<script src="/web-assets/task-page.js" defer></script>` : ""}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="topbar">
          <nav aria-label="Site">
            <a class="brand" href="${base}/tasks">Cloud Agent</a>
            ${
              options.signedIn
                ? html`<a href="${base}/tasks">Tasks</a>
                    <form method="post" action="/logout" class="inline">
                      <button type="submit">Sign out</button>
                    </form>`
                : html`<a href="${base}/login">Sign in</a>`
            }
          </nav>
        </header>
        <main id="main">${options.body}</main>
      </body>
    </html>`.__html;
}
