import { z } from "zod";

const Login = z.string().min(1).max(39);
const BranchPrefix = z
  .string()
  .min(1)
  .max(40)
  .refine(
    (value) => /^[A-Za-z0-9._/-]+$/.test(value) && !value.includes("..") && !value.startsWith("/"),
    "must contain only letters, digits, '.', '_', '-' and '/'",
  );

/** `.github/cloud-agent.yml`: per-repository settings. Every field is optional. */
export const RepoConfig = z
  .object({
    /** Model Claude Code uses for this repository. */
    model: z.string().min(1).max(100).optional(),
    /** Max agent turns per task. */
    max_turns: z.number().int().min(1).max(500).optional(),
    /** Time limit per task, in seconds. */
    timeout: z
      .number()
      .int()
      .min(60)
      .max(6 * 60 * 60)
      .optional(),
    /** Pull requests the app opens for issue tasks: draft (default), ready, or none. */
    pr_mode: z.enum(["draft", "ready", "none"]).optional(),
    /** Prefix of work branches (default "agent/"). */
    branch_prefix: BranchPrefix.optional(),
    /** Narrows who may trigger (on top of write access): GitHub logins. */
    allowed_users: z.array(Login).max(500).optional(),
    /** Narrows who may trigger: team slugs of the owning organization ("org/team" or "team"). */
    allowed_teams: z.array(z.string().min(1).max(100)).max(100).optional(),
    /** How to answer someone who may not trigger: one short comment (default) or a 👎 reaction. */
    unauthorized_response: z.enum(["comment", "reaction"]).optional(),
    /** Commands run in the sandbox before the agent (install dependencies, …). */
    setup_commands: z.array(z.string().min(1).max(2000)).max(20).optional(),
    /** Extra hosts the sandbox may reach (host or host:port). */
    allowed_hosts: z.array(z.string().min(1).max(253)).max(50).optional(),
  })
  .strict();
export type RepoConfig = z.infer<typeof RepoConfig>;
