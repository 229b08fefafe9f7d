import type { Context } from "probot";
import type { AgentTrigger } from "./agent-trigger.ts";
import type { GitHubDeps } from "./github-deps.ts";
import { ignoreReason } from "./is-ignored-trigger.ts";
import { parseAgentCommand } from "./parse-agent-command.ts";
import { processAgentCommand } from "./process-agent-command.ts";
import { claimDelivery, recordDelivery } from "./record-delivery.ts";

/**
 * Every comment kind ends here. The webhook response waits only for steps 1-3 (no GitHub call, one
 * INSERT); everything that talks to GitHub runs after it, so the ack stays fast under bursts.
 */
export async function handleAgentCommand(
  deps: GitHubDeps,
  context: Context,
  trigger: AgentTrigger,
): Promise<void> {
  const log = deps.log.child({ deliveryId: trigger.deliveryId, repo: `${trigger.owner}/${trigger.repo}` });
  // 1. Bots (the app itself included) and locked conversations never start work: no loops, no spam.
  const ignored = ignoreReason(trigger, deps.appSlug);
  if (ignored !== null) {
    log.debug({ reason: ignored }, "Comment ignored");
    return;
  }
  // 2. Only a `/agent` line outside code blocks, quotes and HTML comments is a command.
  const command = parseAgentCommand(trigger.commentBody);
  if (command === null) return;
  // 3. The delivery id is recorded once; a redelivered webhook stops here (idempotency). The row
  //    keeps the command and a lease: if this process dies before finishing, another resumes it.
  //    The stored copy is redacted like everything else the service keeps of others' words.
  const delivery = { id: trigger.deliveryId, event: trigger.event, action: "created" };
  const work = deps.redactor.redactValue({ trigger, command });
  if (!(await recordDelivery(deps.db, delivery, work, deps.commandLeaseMs))) {
    log.info({ command: command.kind }, "Duplicate delivery ignored");
    return;
  }
  // 4. Permission, config, task and feedback: after the response (see processAgentCommand), once
  //    this process holds the command (a resume elsewhere may have taken it while it waited).
  deps.background.run("agent-command", async () => {
    if (!(await claimDelivery(deps.db, trigger.deliveryId, 0, deps.commandLeaseMs))) {
      log.info({ command: command.kind }, "Command taken over by another process");
      return;
    }
    await processAgentCommand(deps, context.octokit, trigger, command, log);
  });
}
