import { z } from "zod";
import type { AgentTrigger } from "./agent-trigger.ts";
import type { AgentCommand } from "./parse-agent-command.ts";
import { GitHubUser } from "./schema.ts";

/**
 * What a command's delivery row keeps so another process can finish it: the trigger and the parsed
 * command. Written by this service, read back through zod like any other edge (an older row, a
 * hand-edited one, a future format) so a bad row is skipped with a reason, never half-used.
 */
const Trigger = z
  .object({
    kind: z.enum(["issue_comment", "review_comment", "review"]),
    deliveryId: z.string(),
    event: z.string(),
    installationId: z.number().int(),
    owner: z.string(),
    repo: z.string(),
    repositoryUrl: z.string(),
    defaultBranch: z.string(),
    number: z.number().int(),
    isPullRequest: z.boolean(),
    locked: z.boolean(),
    title: z.string(),
    body: z.string(),
    conversationAuthor: z.string(),
    commentId: z.number().int(),
    commentBody: z.string(),
    author: GitHubUser,
    sender: GitHubUser,
    review: z
      .object({
        path: z.string(),
        line: z.number().int().optional(),
        startLine: z.number().int().optional(),
        diffHunk: z.string(),
        threadId: z.number().int(),
      })
      .optional(),
    pullRequest: z
      .object({
        headRef: z.string(),
        headSha: z.string(),
        baseRef: z.string(),
        headFullName: z.string().nullable(),
        headCloneUrl: z.string().nullable(),
        maintainerCanModify: z.boolean(),
      })
      .optional(),
  })
  .strict();

const Command = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("run"), prompt: z.string(), newSession: z.boolean() }),
  z.object({ kind: z.literal("stop") }),
  z.object({ kind: z.literal("help") }),
]);

export const DeliveryWork = z.object({ version: z.literal(1), trigger: Trigger, command: Command });

export interface DeliveryWork {
  readonly trigger: AgentTrigger;
  readonly command: AgentCommand;
}

export function toDeliveryWorkJson(work: DeliveryWork): Record<string, unknown> {
  return { version: 1, trigger: work.trigger, command: work.command };
}

/** The stored work, or the reason it cannot be used. */
export function parseDeliveryWork(
  value: unknown,
): { ok: true; work: DeliveryWork } | { ok: false; reason: string } {
  const parsed = DeliveryWork.safeParse(value);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  // JSON drops keys whose value was undefined (review.line); the shape is otherwise AgentTrigger's.
  const trigger = parsed.data.trigger as AgentTrigger;
  return { ok: true, work: { trigger, command: parsed.data.command } };
}
