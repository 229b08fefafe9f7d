import { html } from "./html.ts";
import { renderLayout } from "./render-layout.ts";

/** The admin sign-in form; `next` is where to go afterwards (a same-site path). */
export function renderLogin(options: {
  publicUrl: string;
  next: string;
  /** Offer "Sign in with GitHub" (the App's OAuth client is configured). */
  github?: boolean;
  error?: string | undefined;
}): string {
  const body = html`<h1>Sign in</h1>
    <p>
      Task pages hold task logs and code. Open the signed link from GitHub, or sign in with the admin API key.
    </p>
    ${options.error ? html`<p class="form-error" role="alert" id="login-error">${options.error}</p>` : ""}
    <form method="post" action="/login" class="login">
      <input type="hidden" name="next" value="${options.next}" />
      <label for="admin-key">Admin API key</label>
      <input id="admin-key" name="key" type="password" autocomplete="current-password" required />
      <button type="submit">Sign in</button>
    </form>
    ${
      options.github
        ? html`<p>or</p>
            <p>
              <a
                class="button"
                id="github-sign-in"
                href="/login/github?next=${encodeURIComponent(options.next)}"
                >Sign in with GitHub</a
              >
            </p>
            <p class="muted">You will see the tasks of repositories you can read through the app.</p>`
        : ""
    }`;
  return renderLayout({ title: "Sign in", publicUrl: options.publicUrl, signedIn: false, body });
}
