import { createHmac } from "node:crypto";
import { AppError } from "../errors.ts";
import type { Config } from "../config.ts";

/** What a key signs; each purpose gets its own key so a link token can never pass as a session. */
export type SigningPurpose = "task-link" | "session";

/**
 * The key for one purpose: from TASK_LINK_SECRET when set, otherwise derived from ADMIN_API_KEY
 * (HMAC with a fixed label), so rotating the admin key also revokes every link and session.
 */
export function deriveSigningKey(
  config: Pick<Config, "taskLinkSecret" | "adminApiKey">,
  purpose: SigningPurpose,
): Buffer {
  const root = config.taskLinkSecret ?? config.adminApiKey;
  if (root === undefined) {
    throw new AppError(
      "service_unavailable",
      "Task pages need TASK_LINK_SECRET or ADMIN_API_KEY to sign links",
    );
  }
  return createHmac("sha256", root).update(`cloud-agent:${purpose}:v1`).digest();
}

/** HMAC-SHA256 of `message`, base64url. */
export function sign(key: Buffer, message: string): string {
  return createHmac("sha256", key).update(message).digest("base64url");
}
