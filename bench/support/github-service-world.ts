import { fileURLToPath } from "node:url";
import { WEBHOOK_SECRET } from "../../test/e2e/github-app-support.ts";
import {
  startGitHubServiceWorld as startWorld,
  type GitHubServiceWorld as World,
} from "../../test/fault/support/github-service-world.ts";
import { runJsonChild } from "./json-child.ts";

/** The GitHub App as it runs in production (test/fault/support), plus bursts from a separate sender. */
export interface GitHubServiceWorld extends World {
  /** Sends every payload from a separate process: at once, or spread over `spreadMs`. */
  burst(event: string, payloads: readonly unknown[], spreadMs?: number): ReturnType<typeof sendWebhookBurst>;
}

export async function startGitHubServiceWorld(): Promise<GitHubServiceWorld> {
  const world = await startWorld();
  return {
    ...world,
    burst: (event, payloads, spreadMs = 0) =>
      sendWebhookBurst({
        url: `${world.baseUrl}/api/github/webhooks`,
        secret: WEBHOOK_SECRET,
        event,
        payloads,
        spreadMs,
      }),
  };
}

const BURST_CLIENT = fileURLToPath(new URL("./webhook-burst-client.ts", import.meta.url));

/** Sends signed deliveries from a separate process (webhook-burst-client.ts). */
export function sendWebhookBurst(input: {
  url: string;
  secret: string;
  event: string;
  payloads: readonly unknown[];
  spreadMs: number;
}): Promise<Array<{ status: number; ms: number; deliveryId: string }>> {
  return runJsonChild(BURST_CLIENT, input);
}
