import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { EdgeErrorCode } from "../errors.ts";
import { errorJson } from "../http/error-response.ts";
import { html } from "./html.ts";
import { renderLayout } from "./render-layout.ts";

/**
 * An error answer for a web route: an HTML page for browsers, otherwise JSON naming the field,
 * in the API's shape. Never a stack trace.
 */
export function respondError(
  c: Context,
  options: {
    status: ContentfulStatusCode;
    code: EdgeErrorCode;
    message: string;
    field?: string;
    publicUrl: string;
    signedIn?: boolean;
  },
): Response {
  const wantsHtml = (c.req.header("accept") ?? "").includes("text/html");
  if (!wantsHtml) {
    const details = options.field === undefined ? null : { field: options.field };
    return errorJson(c, options.status, options.code, options.message, details);
  }
  const body = html`<h1>
      ${options.status === 404 ? "Not found" : options.status === 403 ? "Access denied" : "Something is wrong"}
    </h1>
    <p id="error-message">${options.message}</p>
    ${options.field ? html`<p class="muted">Field: <code>${options.field}</code></p>` : ""}
    ${options.signedIn ? "" : html`<p><a href="/login">Sign in with the admin key</a></p>`}`;
  return c.html(
    renderLayout({ title: "Error", publicUrl: options.publicUrl, signedIn: options.signedIn ?? false, body }),
    options.status,
  );
}
