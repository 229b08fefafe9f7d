import type { AgentTrigger } from "./agent-trigger.ts";

export type IgnoreReason = "bot" | "locked";

/**
 * Comments that never start work: anything written by a bot (the app's own comments included, so
 * it can never trigger itself) and anything on a locked conversation.
 */
export function ignoreReason(trigger: AgentTrigger, appSlug: string | undefined): IgnoreReason | null {
  if (isBot(trigger.author.login, trigger.author.type) || isBot(trigger.sender.login, trigger.sender.type)) {
    return "bot";
  }
  if (appSlug !== undefined && trigger.author.login.toLowerCase() === `${appSlug.toLowerCase()}[bot]`) {
    return "bot";
  }
  if (trigger.locked) return "locked";
  return null;
}

function isBot(login: string, type: string): boolean {
  return type === "Bot" || login.endsWith("[bot]");
}
