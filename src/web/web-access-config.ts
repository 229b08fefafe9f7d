import type { Deps } from "../deps.ts";
import type { AccessConfig } from "./web-access.ts";

/**
 * The settings that sign task links and sessions, with the resolved admin key (ADMIN_API_KEY or the
 * one generated into DATA_DIR). Pass this to createTaskLink from other processes, so a link signed
 * by a worker verifies on every web replica.
 */
export function webAccessConfig(deps: Pick<Deps, "config" | "adminApiKey">): AccessConfig {
  return {
    publicUrl: deps.config.publicUrl,
    adminApiKey: deps.adminApiKey,
    taskLinkSecret: deps.config.taskLinkSecret,
    taskLinkTtlMs: deps.config.taskLinkTtlMs,
  };
}
