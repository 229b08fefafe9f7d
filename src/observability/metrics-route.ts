import { Hono } from "hono";
import { adminAuth } from "../security/admin-auth.ts";
import type { Metrics } from "./metrics.ts";

/**
 * GET /metrics in Prometheus text format, behind a bearer token: METRICS_TOKEN when set (give
 * Prometheus a scrape-only credential), else the admin key. Mount: `app.route("/metrics", …)`.
 */
export function createMetricsRoute(metrics: Metrics, options: { tokens: () => readonly string[] }): Hono {
  const app = new Hono();
  app.use("*", adminAuth({ keys: options.tokens, realm: "cloud-agent metrics" }));
  app.get("/", async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { "content-type": metrics.registry.contentType });
  });
  return app;
}
