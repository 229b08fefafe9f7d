/** "Fix the flaky date test!" → "fix-the-flaky-date-test" (lowercase ASCII, at most `max` chars). */
export function slugify(text: string, max = 40): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, max)
    .replace(/-+$/, "");
  return slug === "" ? "task" : slug;
}
