import { HookDeliveryPage, type HookDelivery } from "./hook-delivery.ts";

/** The App-authenticated (JWT) client: only `request` is used. */
export interface AppClient {
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ status: number; headers: Record<string, unknown>; data: unknown }>;
}

/**
 * The App's webhook deliveries, newest first, back to `since` (GitHub keeps about three days).
 * Follows the cursor in the Link header; stops at `maxPages` so a huge backlog cannot run forever.
 */
export async function listHookDeliveries(
  client: AppClient,
  options: { since: Date; perPage?: number; maxPages: number },
): Promise<{ deliveries: HookDelivery[]; complete: boolean }> {
  const deliveries: HookDelivery[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < options.maxPages; page += 1) {
    const response = await client.request("GET /app/hook/deliveries", {
      per_page: options.perPage ?? 100,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const items = HookDeliveryPage.parse(response.data);
    for (const item of items) {
      if (Date.parse(item.delivered_at) < options.since.getTime()) return { deliveries, complete: true };
      deliveries.push(item);
    }
    cursor = nextCursor(response.headers.link);
    if (cursor === undefined || items.length === 0) return { deliveries, complete: true };
  }
  return { deliveries, complete: false };
}

/** The `cursor` of the rel="next" link, if any. */
export function nextCursor(link: unknown): string | undefined {
  if (typeof link !== "string") return undefined;
  for (const part of link.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match?.[1] === undefined) continue;
    const value = new URL(match[1], "https://api.github.com").searchParams.get("cursor");
    return value ?? undefined;
  }
  return undefined;
}
