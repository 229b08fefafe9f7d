const MAX_SLUG = 40;

/** `agent/issue-12-fix-the-flaky-date-test`: the work branch of an issue task. */
export function issueBranchName(prefix: string, number: number, title: string): string {
  const slug = slugify(title);
  const base = `${prefix}issue-${number}`;
  return slug === "" ? base : `${base}-${slug}`;
}

/** Lowercase ASCII letters and digits joined by single hyphens, at most 40 characters. */
export function slugify(text: string): string {
  let out = "";
  let pendingHyphen = false;
  for (const char of text.toLowerCase()) {
    const isWordChar = (char >= "a" && char <= "z") || (char >= "0" && char <= "9");
    if (!isWordChar) {
      pendingHyphen = out !== "";
      continue;
    }
    if (pendingHyphen) out += "-";
    pendingHyphen = false;
    out += char;
    if (out.length >= MAX_SLUG) break;
  }
  return out.endsWith("-") ? out.slice(0, -1) : out;
}
