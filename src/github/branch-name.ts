import { slugOf } from "../git/slugify.ts";

/** `agent/issue-12-fix-the-flaky-date-test`: the work branch of an issue task. */
export function issueBranchName(prefix: string, number: number, title: string): string {
  const slug = slugOf(title);
  const base = `${prefix}issue-${number}`;
  return slug === "" ? base : `${base}-${slug}`;
}
