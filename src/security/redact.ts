import { secretPatterns, sensitiveKey } from "./secret-patterns.ts";

export { secretPatterns } from "./secret-patterns.ts";
export { secretsFromConfig } from "./secrets-from-config.ts";

/**
 * The one redactor for everything that leaves the process: log lines, task events, comments, check
 * runs, API errors. Known token shapes are replaced by pattern (secret-patterns.ts); the service's
 * own secrets (secretsFromConfig) and tokens minted at run time (addSecret) by their literal values,
 * also in their JSON-escaped and URL-encoded forms.
 */

export const REDACTED = "[REDACTED]";

export interface Redactor {
  /** Replaces every secret in a string. */
  redact(text: string): string;
  /** Deep-redacts strings inside JSON-like values (objects, arrays, errors); returns a new value. */
  redactValue<T>(value: T): T;
  /** Adds a literal secret (e.g. a freshly minted installation token) for the life of the process. */
  addSecret(secret: string | undefined): void;
}

/** Literal secrets shorter than this are not replaced (too likely to match ordinary text). */
const MIN_LITERAL_LENGTH = 8;
/** Run-time secrets kept (oldest dropped first); installation tokens expire after an hour anyway. */
const MAX_RUNTIME_SECRETS = 2000;

export function createRedactor(secrets: ReadonlyArray<string | undefined> = []): Redactor {
  const fixed = new Set<string>();
  const runtime = new Set<string>();
  let configured = false;

  function variantsOf(secret: string): string[] {
    const trimmed = secret.trim();
    if (trimmed.length < MIN_LITERAL_LENGTH) return [];
    const out = new Set([trimmed, JSON.stringify(trimmed).slice(1, -1), encodeURIComponent(trimmed)]);
    // A PEM key is also leaked by any one of its lines; guard each long line on its own.
    if (trimmed.includes("\n")) {
      for (const line of trimmed.split("\n")) {
        const part = line.trim();
        if (part.length >= 32 && !part.startsWith("-----")) out.add(part);
      }
    }
    return [...out].filter((variant) => variant.length >= MIN_LITERAL_LENGTH);
  }

  function addSecret(secret: string | undefined): void {
    if (secret === undefined) return;
    const target = configured ? runtime : fixed;
    for (const variant of variantsOf(secret)) {
      if (fixed.has(variant)) continue;
      target.delete(variant);
      target.add(variant);
    }
    while (runtime.size > MAX_RUNTIME_SECRETS) {
      const oldest = runtime.values().next().value;
      if (oldest === undefined) break;
      runtime.delete(oldest);
    }
  }

  function replaceLiterals(text: string, literals: Set<string>): string {
    let out = text;
    for (const literal of literals) {
      if (out.includes(literal)) out = out.split(literal).join(REDACTED);
    }
    return out;
  }

  function redact(text: string): string {
    if (text.length < MIN_LITERAL_LENGTH) return text;
    let out = replaceLiterals(replaceLiterals(text, fixed), runtime);
    let lower: string | undefined;
    for (const { pattern, hints, lower: caseless, suffix = "" } of secretPatterns) {
      const haystack = caseless === true ? (lower ??= out.toLowerCase()) : out;
      if (!hints.some((hint) => haystack.includes(hint))) continue;
      pattern.lastIndex = 0;
      const keep = pattern.source.includes("(?<keep>") ? "$<keep>" : "";
      const next = out.replace(pattern, `${keep}${REDACTED}${suffix}`);
      if (next !== out) {
        out = next;
        lower = undefined;
      }
    }
    return out;
  }

  function redactValue<T>(value: T): T {
    return walk(value, new WeakMap()) as T;
  }

  function walk(value: unknown, seen: WeakMap<object, unknown>): unknown {
    if (typeof value === "string") return redact(value);
    if (value === null || typeof value !== "object") return value;
    if (value instanceof Date || ArrayBuffer.isView(value)) return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(walk(item, seen));
      return out;
    }
    const out: Record<string, unknown> =
      value instanceof Error
        ? (Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>)
        : {};
    seen.set(value, out);
    if (value instanceof Error) copyErrorBasics(value, out, seen);
    for (const [key, inner] of Object.entries(value)) {
      out[key] =
        sensitiveKey.test(key) && typeof inner === "string" && inner !== "" ? REDACTED : walk(inner, seen);
    }
    return out;
  }

  function copyErrorBasics(error: Error, out: Record<string, unknown>, seen: WeakMap<object, unknown>) {
    const hidden = { writable: true, configurable: true, enumerable: false };
    Object.defineProperty(out, "message", { ...hidden, value: redact(error.message) });
    if (error.stack !== undefined) {
      Object.defineProperty(out, "stack", { ...hidden, value: redact(error.stack) });
    }
    if (error.cause !== undefined) {
      Object.defineProperty(out, "cause", { ...hidden, value: walk(error.cause, seen) });
    }
  }

  for (const secret of secrets) addSecret(secret);
  configured = true;
  return { redact, redactValue, addSecret };
}
