import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { AgentTrigger } from "./agent-trigger.ts";
import { checkPermission } from "./check-permission.ts";
import type { GitHubDeps } from "./github-deps.ts";
import { loadRepoConfig } from "./load-repo-config.ts";
import { invalidConfigText, refusalText, usageText } from "./messages.ts";
import type { AgentCommand } from "./parse-agent-command.ts";
import { setDeliveryOutcome } from "./record-delivery.ts";
import { reactToTrigger, replyToTrigger } from "./reply-to-trigger.ts";
import { runAgentCommand } from "./run-agent-command.ts";
import { stopAgentTasks } from "./stop-agent-tasks.ts";

/** The part of a command that talks to GitHub, run after the webhook response. */
export async function processAgentCommand(
  deps: GitHubDeps,
  octokit: ProbotOctokit,
  trigger: AgentTrigger,
  command: AgentCommand,
  log: Logger,
): Promise<void> {
  try {
    // 1. Repository config and the author's permission, fetched at once (both are needed first).
    const configResult = loadRepoConfig(octokit, { owner: trigger.owner, repo: trigger.repo });
    const permission = await checkPermission(
      octokit,
      { owner: trigger.owner, repo: trigger.repo, login: trigger.author.login },
      configResult.then((result) => (result.ok ? result.config : null)),
    );
    const config = await configResult;
    // 2. Someone without write access gets one short answer and no task (and no config details).
    if (!permission.allowed) {
      const answer = config.ok ? (config.config.unauthorized_response ?? "comment") : "comment";
      if (answer === "reaction") await reactToTrigger(octokit, trigger, "-1");
      else
        await replyToTrigger(
          octokit,
          deps.redactor,
          trigger,
          refusalText(trigger.author.login, permission.reason),
        );
      log.info({ login: trigger.author.login, reason: permission.reason }, "Command refused");
      await setDeliveryOutcome(deps.db, trigger.deliveryId, "refused");
      return;
    }
    // 3. A broken config is explained instead of silently ignored.
    if (!config.ok) {
      await replyToTrigger(octokit, deps.redactor, trigger, invalidConfigText(config.problems));
      await setDeliveryOutcome(deps.db, trigger.deliveryId, "invalid_config");
      return;
    }
    // 4. The command itself.
    switch (command.kind) {
      case "help":
        await replyToTrigger(octokit, deps.redactor, trigger, usageText());
        await setDeliveryOutcome(deps.db, trigger.deliveryId, "help");
        return;
      case "stop":
        await stopAgentTasks(deps, octokit, trigger);
        await setDeliveryOutcome(deps.db, trigger.deliveryId, "stopped");
        return;
      case "run":
        await runAgentCommand(deps, octokit, trigger, command, config.config, log);
        return;
    }
  } catch (error) {
    log.error({ err: error, command: command.kind }, "Agent command failed");
    await setDeliveryOutcome(deps.db, trigger.deliveryId, "failed");
    throw error;
  }
}
