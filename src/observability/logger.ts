import { pino, type Logger } from "pino";
import type { Redactor } from "../security/redact.ts";

/**
 * Structured JSON logs. Every serialized line passes through the redactor before it is written, so
 * no token reaches a log even when it hides inside an error message or a nested object.
 */
export function createLogger(options: {
  level: string;
  redactor: Redactor;
  destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: null,
      hooks: { streamWrite: (line) => options.redactor.redact(line) },
    },
    options.destination ?? process.stdout,
  );
}
