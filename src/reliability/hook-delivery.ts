import { z } from "zod";

/** One attempt of a webhook delivery, as GET /app/hook/deliveries lists it (fields we use). */
export const HookDelivery = z.object({
  id: z.number(),
  /** The X-GitHub-Delivery id; redeliveries keep it. */
  guid: z.string(),
  delivered_at: z.string(),
  redelivery: z.boolean(),
  status: z.string(),
  /** 0 when GitHub could not connect at all (the service was down). */
  status_code: z.number(),
  event: z.string(),
  action: z.string().nullish(),
});
export type HookDelivery = z.infer<typeof HookDelivery>;

export const HookDeliveryPage = z.array(HookDelivery);

export function isFailedDelivery(delivery: HookDelivery): boolean {
  return delivery.status !== "OK" || delivery.status_code === 0 || delivery.status_code >= 400;
}
