/**
 * Token shapes the redactor replaces wherever they appear. Every pattern is linear: each starts
 * with a fixed prefix and uses bounded or unambiguous repetition, so a 1 MB string of hostile text
 * cannot make a pattern backtrack (tested in test/unit/security-redact.test.ts).
 *
 * A pattern may capture a `keep` group: the text before the secret that stays readable
 * ("Bearer ", "https://"). Patterns never consume quotes, braces or commas, so a redacted pino
 * JSON line is still valid JSON.
 */
export interface SecretPattern {
  readonly name: string;
  readonly pattern: RegExp;
  /** Cheap substring tests run first: the pattern runs only if one occurs (lower-cased when `lower`). */
  readonly hints: readonly string[];
  readonly lower?: boolean;
  /** Appended after the mask (e.g. the "@" of user:password@host). */
  readonly suffix?: string;
}

/**
 * Start of a token: not glued to a letter or digit, except right after a JSON escape such as
 * "\n" (pino writes "line1\nghp_..." as `line1\\nghp_...`).
 */
const START = String.raw`(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))`;
const PRIVATE_KEY_LABEL = String.raw`[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----`;

function re(source: string, flags = "g"): RegExp {
  return new RegExp(source, flags);
}

export const secretPatterns: readonly SecretPattern[] = [
  {
    // Whole PEM block; an unterminated one is cut at the next quote (end of the JSON string) or end.
    name: "pem_private_key",
    hints: ["-----BEGIN"],
    pattern: re(
      String.raw`-----BEGIN${PRIVATE_KEY_LABEL}[\s\S]*?(?:-----END${PRIVATE_KEY_LABEL}|(?=["'])|$)`,
    ),
  },
  {
    name: "github_fine_grained_pat",
    hints: ["github_pat_"],
    pattern: re(String.raw`${START}github_pat_[A-Za-z0-9_]{22,}`),
  },
  {
    // ghp_ gho_ ghu_ ghs_ ghr_: classic 36-character tokens and the stateless ghs_ JWT (dots).
    name: "github_token",
    hints: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    pattern: re(String.raw`${START}gh[pousr]_[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*`),
  },
  {
    // API keys (sk-ant-api03-…) and Claude Code OAuth tokens (sk-ant-oat01-…).
    name: "anthropic_key",
    hints: ["sk-ant-"],
    pattern: re(String.raw`${START}sk-ant-[A-Za-z0-9_-]{16,}`),
  },
  {
    name: "aws_access_key_id",
    hints: ["AKIA", "ASIA", "ABIA", "ACCA", "AROA", "AIDA"],
    pattern: re(String.raw`${START}(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16}(?![A-Za-z0-9])`),
  },
  {
    name: "aws_secret_access_key",
    hints: ["secret"],
    lower: true,
    pattern: re(
      String.raw`(?<keep>(?:aws_?secret_?access_?key|secretaccesskey)\\?["']?\s{0,5}[:=]\s{0,5}(?:\\?["'])?)[A-Za-z0-9/+=]{40}`,
      "gi",
    ),
  },
  {
    name: "jwt",
    hints: ["eyJ"],
    pattern: re(String.raw`${START}eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`),
  },
  {
    // scheme://user:password@host, scheme://:password@host (redis) and scheme://TOKEN@host (a long
    // user name is a token, not a login). Anchored on "://" so ordinary words cost nothing.
    name: "url_credentials",
    hints: ["://"],
    suffix: "@",
    pattern: re(
      String.raw`(?<keep>:\/\/)(?:[^\s/?#@:"'<>\\]{0,256}:[^\s/?#@"'<>\\]{1,512}|[A-Za-z0-9_.~-]{20,512})@`,
    ),
  },
  {
    // Authorization: Basic|Bearer|token <credentials>, as a header, JSON field or git config value.
    name: "authorization_header",
    hints: ["authorization"],
    lower: true,
    pattern: re(
      String.raw`(?<keep>\b(?:proxy-)?authorization["']?\s{0,5}[:=]\s{0,5}["']?(?:(?:basic|bearer|token|digest)\s{1,5})?)(?!(?:basic|bearer|token|digest)\b)[A-Za-z0-9._~+/=-]{1,4096}`,
      "gi",
    ),
  },
  {
    name: "bearer_token",
    hints: ["bearer", "token"],
    lower: true,
    pattern: re(String.raw`(?<keep>\b(?:[Bb]earer|BEARER|[Tt]oken)\s{1,5})[A-Za-z0-9._~+/-]{20,4096}=*`),
  },
  {
    // Credentials in query strings. Not `sig`/`token`: our own signed task links must stay usable.
    name: "url_query_secret",
    hints: ["access_token", "client_secret", "password", "private_token", "api_key", "apikey"],
    lower: true,
    pattern: re(
      String.raw`(?<keep>[?&](?:access_token|client_secret|password|private_token|api_key|apikey)=)[^&\s"'#<>\\]{1,4096}`,
      "gi",
    ),
  },
  {
    // "password": "…", "webhook_secret": "…", "apiKey": "…" inside JSON text.
    name: "sensitive_json_field",
    hints: ["pass", "secret", "key", "token", "cookie"],
    lower: true,
    pattern: re(
      String.raw`(?<="[A-Za-z0-9_-]{0,40})(?<keep>(?:password|passwd|secret|api_?key|private_?key|access_?token|auth_?token|cookie)"\s{0,5}:\s{0,5}")(?:[^"\\]|\\.)+(?=")`,
      "gi",
    ),
  },
];

/** Object keys whose string values are always masked by `redactValue`. */
export const sensitiveKey =
  /^(?:.*(?:password|passwd|secret|api_?key|private_?key|access_?token|auth_?token)|authorization|proxy-authorization|cookie|set-cookie|x-api-key)$/i;
