/**
 * A follow-up resumes the earlier session in a new sandbox, whose workspace may sit at another path.
 * The session file is full of the old absolute paths (each message's `cwd`, every tool input and
 * result), and a model continuing it would edit files at the old path, outside the new workspace.
 * This rewrites the old workspace path (read from the first `cwd` in the file) to the new one.
 */
export function rebaseSessionPaths(content: string, workdir: string): string {
  const previous = firstCwd(content);
  if (previous === undefined || previous === workdir) return content;
  // Paths appear JSON-escaped inside each line; replace them in that form.
  const from = JSON.stringify(previous).slice(1, -1);
  const to = JSON.stringify(workdir).slice(1, -1);
  return content.split(from).join(to);
}

function firstCwd(content: string): string | undefined {
  for (const line of content.split("\n")) {
    if (!line.includes('"cwd"')) continue;
    try {
      const cwd = (JSON.parse(line) as { cwd?: unknown }).cwd;
      if (typeof cwd === "string" && cwd.startsWith("/") && cwd.length > 1) return cwd;
    } catch {
      // A line that is not JSON (a partial write): look further.
    }
  }
  return undefined;
}
