import { sql } from "kysely";
import type { ProbotOctokit } from "probot";
import type { GitHubDeps } from "./github-deps.ts";
import { parseDeliveryWork } from "./delivery-work.ts";
import { processAgentCommand } from "./process-agent-command.ts";
import { commandGivenUpText } from "./messages.ts";
import { claimDelivery, setDeliveryOutcome } from "./record-delivery.ts";
import { replyToTrigger } from "./reply-to-trigger.ts";

export interface ResumeDeliveriesDeps {
  readonly github: GitHubDeps;
  /** An Octokit for an installation, e.g. `(id) => probot.auth(id)`. */
  readonly octokitFor: (installationId: number) => Promise<ProbotOctokit>;
}

export interface ResumeDeliveriesResult {
  readonly resumed: string[];
  /** Their task existed already: only the delivery's outcome was missing. */
  readonly settled: string[];
  readonly gaveUp: string[];
}

/**
 * A command is answered first and worked on after (handleAgentCommand). If the process dies in
 * between (deploy, crash, OOM) its delivery row stays `accepted` and its lease runs out; GitHub
 * counts the delivery as a success and never sends it again. This finds such rows and finishes
 * them, on any replica: each row is claimed with a fenced UPDATE (attempts), so two replicas never
 * resume the same command, and a command whose task was created already is only settled, not run
 * twice. After `maxAttempts` a command is marked failed and logged.
 */
export async function resumeAcceptedDeliveries(
  deps: ResumeDeliveriesDeps,
  options: { limit?: number; maxAttempts?: number } = {},
): Promise<ResumeDeliveriesResult> {
  const { db, log } = deps.github;
  const maxAttempts = options.maxAttempts ?? 3;
  const result = { resumed: [] as string[], settled: [] as string[], gaveUp: [] as string[] };
  // 1. Commands whose owner's lease ran out, oldest first.
  const rows = await db
    .selectFrom("webhook_deliveries")
    .select(["delivery_id", "attempts", "work"])
    .where("outcome", "=", "accepted")
    .where("work", "is not", null)
    // Database time, as the lease was set: machines' clocks may disagree.
    .where("lease_until", "<", sql<Date>`now()`)
    .orderBy("received_at")
    .limit(options.limit ?? 20)
    .execute();
  for (const row of rows) {
    const rowLog = log.child({ deliveryId: row.delivery_id });
    // 2. Take it (fenced); another replica may have taken it a moment ago.
    if (!(await claimDelivery(db, row.delivery_id, row.attempts, deps.github.commandLeaseMs))) continue;
    // 3. Give up on a command that keeps failing, or a row this version cannot read.
    const parsed = parseDeliveryWork(row.work);
    if (row.attempts >= maxAttempts || !parsed.ok) {
      rowLog.error(
        { attempts: row.attempts, reason: parsed.ok ? "too many attempts" : parsed.reason },
        "Interrupted command given up",
      );
      await setDeliveryOutcome(db, row.delivery_id, "failed");
      result.gaveUp.push(row.delivery_id);
      // The author hears about it where they wrote the command (a row that cannot be read names no one).
      if (parsed.ok) {
        await deps
          .octokitFor(parsed.work.trigger.installationId)
          .then((octokit) =>
            replyToTrigger(
              octokit,
              deps.github.redactor,
              parsed.work.trigger,
              commandGivenUpText(row.attempts),
            ),
          )
          .catch((error: unknown) => rowLog.warn({ err: error }, "Give-up reply failed"));
      }
      continue;
    }
    const { trigger, command } = parsed.work;
    // 4. Its task exists: the process died after creating it. The worker side (lost-job requeue,
    //    stranded-task promotion, the reporter's own progress comment) finishes the rest.
    const existing = await db
      .selectFrom("tasks")
      .select(["id", "status"])
      .where("source", "=", "github")
      .where("owner", "=", trigger.owner)
      .where("repo", "=", trigger.repo)
      .where("issue_number", "=", trigger.number)
      .where("trigger_comment_id", "=", trigger.commentId)
      .executeTakeFirst();
    if (existing !== undefined) {
      const outcome = existing.status === "pending" ? "task_waiting" : "task_created";
      await setDeliveryOutcome(db, row.delivery_id, outcome, existing.id);
      result.settled.push(row.delivery_id);
      continue;
    }
    // 5. Run the command as the answering process would have.
    rowLog.info({ command: command.kind, attempt: row.attempts + 1 }, "Resuming an interrupted command");
    try {
      const octokit = await deps.octokitFor(trigger.installationId);
      await processAgentCommand(deps.github, octokit, trigger, command, rowLog);
      result.resumed.push(row.delivery_id);
    } catch (error) {
      // processAgentCommand marked it failed; a later run does not retry a failed outcome.
      rowLog.warn({ err: error }, "Resumed command failed");
    }
  }
  return result;
}
