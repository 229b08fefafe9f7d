/** "Fix the flaky date test!" → "fix-the-flaky-date-test" (lowercase ASCII, at most `max` chars; "" when none). */
export function slugOf(text: string, max = 40): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, max)
    .replace(/-+$/, "");
}

/** The same, never empty: "task" when the text has no letters or digits. */
export function slugify(text: string, max = 40): string {
  const slug = slugOf(text, max);
  return slug === "" ? "task" : slug;
}
