import type { Octokit } from "@octokit/rest";
import type { Metrics } from "./metrics.ts";

/**
 * An Octokit plugin counting every GitHub REST call (method, route template, status), its latency,
 * and the rate limit left. Install it on the Octokit class the app uses:
 * `ProbotOctokit.plugin(githubMetricsPlugin(metrics))` or `Octokit.plugin(...)`.
 */
export function githubMetricsPlugin(metrics: Metrics) {
  return function githubMetrics(octokit: Pick<Octokit, "hook">): void {
    octokit.hook.wrap("request", async (request, options) => {
      const started = performance.now();
      const method = String(options.method ?? "GET");
      const route = routeTemplate(String(options.url ?? ""));
      try {
        const response = await request(options);
        record(response.status, response.headers);
        return response;
      } catch (error) {
        const failure = error as { status?: unknown; response?: { headers?: Record<string, unknown> } };
        record(typeof failure.status === "number" ? failure.status : 0, failure.response?.headers);
        throw error;
      }

      function record(status: number, headers: Record<string, unknown> | undefined): void {
        const remaining = headers?.["x-ratelimit-remaining"];
        const resource = headers?.["x-ratelimit-resource"];
        metrics.githubRequest({
          method,
          route,
          status,
          durationMs: performance.now() - started,
          rateLimitRemaining: remaining === undefined ? undefined : Number(remaining),
          rateLimitResource: typeof resource === "string" ? resource : undefined,
        });
      }
    });
  };
}

/** Keeps label cardinality bounded: a filled URL ("/repos/o/r/issues/12") loses its ids and names. */
export function routeTemplate(url: string): string {
  const path = url.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "");
  if (path.includes("{")) return path;
  return path
    .replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/{owner}/{repo}")
    .replace(/\/\d+(?=\/|$)/g, "/{id}")
    .replace(/\/(users|orgs)\/[^/]+/, "/$1/{name}");
}
