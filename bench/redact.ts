import { loadConfig } from "../src/config.ts";
import { createRedactor, secretsFromConfig } from "../src/security/redact.ts";
import { latencyFigure, reportFigures } from "./support/bench-report.ts";

/**
 * The redactor on 1 MB strings: ordinary log lines and hostile inputs built to make a careless
 * regular expression backtrack (URL-like runs, unterminated PEM headers, near-tokens). With the
 * service's own secrets loaded, as in production. Goal: well under 50 ms per MB.
 *   node bench/redact.ts
 */
const SAMPLES = 15;
const redactor = createRedactor(
  secretsFromConfig(
    loadConfig({
      ADMIN_API_KEY: "bench-admin-key-0123456789abcdef",
      WEBHOOK_SECRET: "bench-webhook-secret-value",
      DATABASE_URL: "postgres://app:bench-db-password@db:5432/agent",
      REDIS_URL: "redis://:bench-redis-password@redis:6379",
    }),
  ),
);
const logLine = JSON.stringify({
  level: 30,
  time: 1,
  taskId: "0b3f9d2e-6c1a-4f8e-9a77-1d2c3b4a5f60",
  msg: "Agent step",
  url: "https://github.com/o/r",
  text: "the bearer token secret password key",
});
const inputs: Array<[string, string]> = [
  ["log lines", logLine.repeat(Math.ceil(1_048_576 / logLine.length))],
  ["prose", "The quick brown fox jumps over the lazy dog. ".repeat(23_302)],
  ["unterminated URLs", "http://a:".repeat(116_508)],
  ["near tokens", "ghp_short sk-ant- eyJhbGci.eyJ ".repeat(33_825)],
  ["json secret keys", '"password":"x", '.repeat(65_536)],
  ["PEM headers", "-----BEGIN RSA PRIVATE KEY----- ".repeat(32_768)],
];

reportFigures(
  inputs.map(([name, text]) => {
    redactor.redact(text);
    const times: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample++) {
      const started = performance.now();
      redactor.redact(text);
      times.push(performance.now() - started);
    }
    return latencyFigure(`redact 1 MB: ${name}`, times, "< 50 ms");
  }),
);
