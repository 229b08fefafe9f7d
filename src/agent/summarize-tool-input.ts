/** One line saying what a tool call does, for logs and the progress comment ("Bash: npm test"). */
export function summarizeToolInput(name: string, input: unknown, workdir?: string): string {
  const fields = typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {};
  const pick = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = fields[key];
      if (typeof value === "string" && value.trim() !== "") return value;
    }
    return undefined;
  };
  const relative = (path: string | undefined): string | undefined =>
    path !== undefined && workdir !== undefined && path.startsWith(`${workdir}/`)
      ? path.slice(workdir.length + 1)
      : path;
  let summary: string | undefined;
  switch (name) {
    case "Bash":
      summary = pick("command");
      break;
    case "Read":
    case "Write":
    case "Edit":
    case "MultiEdit":
    case "NotebookEdit":
      summary = relative(pick("file_path", "notebook_path"));
      break;
    case "Grep":
    case "Glob":
      summary = [pick("pattern"), relative(pick("path"))].filter(Boolean).join(" in ");
      break;
    case "WebFetch":
      summary = pick("url");
      break;
    case "WebSearch":
      summary = pick("query");
      break;
    case "Task":
    case "Agent":
      summary = pick("description", "prompt");
      break;
    case "TaskCreate":
      summary = pick("subject");
      break;
    case "TaskUpdate":
      summary = [`#${pick("taskId") ?? "?"}`, pick("status", "subject")].filter(Boolean).join(" ");
      break;
    case "TodoWrite":
      summary = Array.isArray(fields.todos) ? `${fields.todos.length} items` : undefined;
      break;
    default:
      summary = Object.keys(fields).length === 0 ? undefined : JSON.stringify(fields);
  }
  return oneLine(summary ?? "", 200);
}

export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Deep copy with long strings cut, so a Write of a big file does not bloat the task log. */
export function trimToolInput(input: unknown, maxString = 2000): unknown {
  if (typeof input === "string") {
    return input.length <= maxString
      ? input
      : `${input.slice(0, maxString)}… [${input.length - maxString} more characters]`;
  }
  if (Array.isArray(input)) return input.slice(0, 100).map((item) => trimToolInput(item, maxString));
  if (typeof input === "object" && input !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) out[key] = trimToolInput(value, maxString);
    return out;
  }
  return input;
}
