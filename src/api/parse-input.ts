import type { z } from "zod";
import { AppError } from "../errors.ts";

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Parses outside input; failure is a 400 AppError listing each field and its problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: FieldProblem[] = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return { field: issue.keys.join(", "), message: "unknown field" };
    }
    return { field: path === "" ? where : path, message: issue.message };
  });
  const summary = details.map((problem) => `${problem.field}: ${problem.message}`).join("; ");
  throw new AppError("validation_failed", `Invalid ${where}: ${summary}`, { details });
}
