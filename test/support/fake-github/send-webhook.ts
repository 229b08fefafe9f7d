import { createHmac, randomUUID } from "node:crypto";

/** POSTs a webhook as GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function sendWebhook(input: {
  url: string;
  secret: string;
  event: string;
  payload: unknown;
  deliveryId?: string;
}): Promise<{ status: number; deliveryId: string; ms: number }> {
  const body = JSON.stringify(input.payload);
  const deliveryId = input.deliveryId ?? randomUUID();
  const signature = `sha256=${createHmac("sha256", input.secret).update(body).digest("hex")}`;
  const started = performance.now();
  const response = await fetch(input.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": input.event,
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": signature,
      "user-agent": "GitHub-Hookshot/fake",
    },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, deliveryId, ms: performance.now() - started };
}
