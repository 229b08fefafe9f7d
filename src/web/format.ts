/** Small formatters shared by the page renderers. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "—";
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

/** "2026-11-23 21:40:05 UTC": the same on every viewer's screen and in screenshots. */
export function formatTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "—";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function toIso(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}

/** The first line of a text, cut to `max` characters. */
export function firstLine(text: string, max = 120): string {
  const line = text.trim().split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Only http(s) URLs become links; anything else (javascript:, data:) stays text. */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (url === null || url === undefined) return undefined;
  return /^https?:\/\//i.test(url) ? url : undefined;
}

/** "https://github.com/o/r.git" → "https://github.com/o/r" (for issue/branch/check links). */
export function repositoryWebUrl(repositoryUrl: string): string | undefined {
  return safeUrl(repositoryUrl.replace(/\.git$/, "").replace(/\/+$/, ""));
}

/** "https://github.com/o/r" → "o/r" for display. */
export function repositoryName(repositoryUrl: string): string {
  const match = /([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(repositoryUrl);
  return match?.[1] ?? repositoryUrl;
}
