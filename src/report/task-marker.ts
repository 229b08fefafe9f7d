/** A hidden marker in the progress comment: lets a retry find the comment if its id was lost. */
export function taskMarker(taskId: string): string {
  return `<!-- cloud-agent-task:${taskId} -->`;
}
