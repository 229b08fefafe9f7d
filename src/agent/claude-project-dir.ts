/**
 * Where Claude Code keeps a working directory's sessions: ~/.claude/projects/<dir>, where <dir> is
 * the absolute path with every character other than a letter or digit replaced by "-".
 */
export function claudeProjectDir(workdir: string): string {
  return workdir.replace(/[^A-Za-z0-9]/g, "-");
}

/** Path of a session file relative to ~/.claude/projects. */
export function sessionRelativePath(workdir: string, sessionId: string): string {
  return `${claudeProjectDir(workdir)}/${sessionId}.jsonl`;
}

/** Session ids are UUIDs; anything else is refused before it reaches a path or a command line. */
export function isSessionId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
