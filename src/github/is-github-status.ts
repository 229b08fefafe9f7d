/**
 * True when `error` is an Octokit RequestError with one of `statuses` (checked structurally: the
 * RequestError class is a transitive dependency of probot, not one of ours).
 */
export function isGitHubStatus(error: unknown, ...statuses: number[]): boolean {
  if (!(error instanceof Error) || error.name !== "HttpError") return false;
  const status = (error as Error & { status?: unknown }).status;
  return typeof status === "number" && statuses.includes(status);
}
