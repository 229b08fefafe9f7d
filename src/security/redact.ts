/**
 * The one redactor for everything that leaves the process: log lines, task events, comments, check
 * runs, API errors. Known token shapes are replaced by pattern; the service's own secrets (and
 * tokens minted at run time, such as installation tokens) by their literal values.
 */

const MASK = "[REDACTED]";

/** Token shapes, each with a name for tests and the replacement it gets. */
export const secretPatterns: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp }> = [
  {
    name: "pem",
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  },
  { name: "github_pat", pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g },
  { name: "github_token", pattern: /\bgh[pousr]_[A-Za-z0-9_]{16,}/g },
  { name: "anthropic_key", pattern: /\bsk-ant-[A-Za-z0-9_-]{8,}/g },
  { name: "aws_access_key", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  {
    name: "aws_secret_key",
    pattern: /(aws_secret_access_key|AWS_SECRET_ACCESS_KEY)(["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}/g,
  },
  { name: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
  { name: "url_credentials", pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi },
  { name: "bearer", pattern: /\b(Bearer|token)\s+[A-Za-z0-9._~+/-]{20,}=*/g },
];

export interface Redactor {
  /** Replaces every secret in a string. */
  redact(text: string): string;
  /** Deep-redacts strings inside JSON-like values (objects, arrays); returns a new value. */
  redactValue<T>(value: T): T;
  /** Adds a literal secret (e.g. a freshly minted installation token) for the life of the process. */
  addSecret(secret: string | undefined): void;
}

/** Literal secrets shorter than this are not replaced (too likely to match ordinary text). */
const MIN_LITERAL_LENGTH = 8;

export function createRedactor(secrets: ReadonlyArray<string | undefined> = []): Redactor {
  const literals = new Set<string>();

  function addSecret(secret: string | undefined): void {
    if (secret === undefined) return;
    const trimmed = secret.trim();
    if (trimmed.length < MIN_LITERAL_LENGTH) return;
    literals.add(trimmed);
    // A PEM key is also leaked by any of its lines; guard each long line on its own.
    if (trimmed.includes("\n")) {
      for (const line of trimmed.split("\n")) {
        if (line.length >= 32 && !line.startsWith("-----")) literals.add(line.trim());
      }
    }
  }

  function redact(text: string): string {
    let out = text;
    for (const literal of literals) {
      if (out.includes(literal)) out = out.split(literal).join(MASK);
    }
    for (const { name, pattern } of secretPatterns) {
      pattern.lastIndex = 0;
      if (name === "url_credentials") out = out.replace(pattern, `$1${MASK}@`);
      else if (name === "aws_secret_key") out = out.replace(pattern, `$1$2${MASK}`);
      else if (name === "bearer") out = out.replace(pattern, `$1 ${MASK}`);
      else out = out.replace(pattern, MASK);
    }
    return out;
  }

  function redactValue<T>(value: T): T {
    return walk(value) as T;
  }

  function walk(value: unknown): unknown {
    if (typeof value === "string") return redact(value);
    if (Array.isArray(value)) return value.map(walk);
    if (
      value !== null &&
      typeof value === "object" &&
      !(value instanceof Date) &&
      !(value instanceof Uint8Array)
    ) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = walk(inner);
      return out;
    }
    return value;
  }

  for (const secret of secrets) addSecret(secret);
  return { redact, redactValue, addSecret };
}
