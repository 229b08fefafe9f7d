import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { createApiRoutes } from "../api/create-api-routes.ts";
import { MAX_BODY_BYTES } from "../api/schema.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { createWebRoutes } from "../web/create-web-routes.ts";
import { checkHealth } from "./check-health.ts";
import { createErrorHandler, errorJson } from "./error-response.ts";
import { limitBody } from "./limit-body.ts";
import { createMetricsRoute } from "../observability/metrics-route.ts";
import { createQueueDashboard, QUEUE_DASHBOARD_PATH } from "../observability/queue-dashboard.ts";

/**
 * The Hono app of the web process: /health, /v1, and the areas others mount here (task pages,
 * /metrics, the queue dashboard). GitHub webhooks bypass it (see server.ts).
 */
export function createHttpApp(deps: Deps): Hono {
  const app = new Hono();

  app.onError(createErrorHandler(deps.log, deps.redactor));
  app.notFound((c) => errorJson(c, 404, "not_found", `No route for ${c.req.method} ${c.req.path}`));
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        c.header("Allow", methods.join(", "));
        return errorJson(c, 405, "method_not_allowed", `${c.req.method} is not allowed here`, {
          allow: methods,
        });
      },
    }),
  );
  app.use(
    limitBody(MAX_BODY_BYTES, () => {
      throw new AppError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    }),
  );

  app.get("/health", async (c) => {
    const report = await checkHealth(deps);
    return c.json(report, report.status === "ok" ? 200 : 503);
  });
  app.route("/v1", createApiRoutes(deps));
  // Prometheus scrapes with METRICS_TOKEN (or the admin key); the dashboard needs the admin key.
  app.route(
    "/metrics",
    createMetricsRoute(deps.metrics, { tokens: () => [deps.config.metricsToken ?? deps.adminApiKey] }),
  );
  app.route(
    QUEUE_DASHBOARD_PATH,
    createQueueDashboard({ queues: [deps.queue.queue], adminKeys: () => [deps.adminApiKey] }),
  );
  app.route("/", createWebRoutes(deps));
  // The front door: the GitHub App's setup page until APP_ID is set, then the task list.
  app.get("/", (c) => c.redirect(deps.config.github.appId === undefined ? "/probot" : "/tasks", 303));

  return app;
}
