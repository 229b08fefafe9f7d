import { z } from "zod";

/**
 * Claude Code's `--output-format stream-json` lines, only the kinds and fields Cloud Agent reads.
 * Unknown kinds and extra fields pass (loose objects); each line is parsed on its own.
 */

export const SystemInit = z.looseObject({
  type: z.literal("system"),
  subtype: z.literal("init"),
  session_id: z.string(),
  model: z.string().optional(),
  claude_code_version: z.string().optional(),
});
export type SystemInit = z.infer<typeof SystemInit>;

const TextBlock = z.looseObject({ type: z.literal("text"), text: z.string() });
const ToolUseBlock = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
const OtherBlock = z.looseObject({ type: z.string() });

export const AssistantMessage = z.looseObject({
  type: z.literal("assistant"),
  parent_tool_use_id: z.string().nullable().optional(),
  /** Set on messages Claude Code makes up for a failed API call. */
  error: z.string().optional(),
  message: z.looseObject({
    content: z.array(z.union([TextBlock, ToolUseBlock, OtherBlock])),
  }),
});
export type AssistantMessage = z.infer<typeof AssistantMessage>;

const ToolResultContent = z.union([
  z.string(),
  z.array(
    z.union([
      z.looseObject({ type: z.literal("text"), text: z.string() }),
      z.looseObject({ type: z.string() }),
    ]),
  ),
]);

const ToolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: ToolResultContent.optional(),
  is_error: z.boolean().optional(),
});

export const UserMessage = z.looseObject({
  type: z.literal("user"),
  parent_tool_use_id: z.string().nullable().optional(),
  message: z.looseObject({
    content: z.union([z.string(), z.array(z.union([ToolResultBlock, OtherBlock]))]),
  }),
});
export type UserMessage = z.infer<typeof UserMessage>;

export const ResultMessage = z.looseObject({
  type: z.literal("result"),
  subtype: z.string(),
  is_error: z.boolean(),
  result: z.string().optional(),
  session_id: z.string().optional(),
  total_cost_usd: z.number().optional(),
  num_turns: z.number().optional(),
  duration_ms: z.number().optional(),
  /** HTTP status of the model API error that ended the run, when one did. */
  api_error_status: z.number().nullable().optional(),
  terminal_reason: z.string().optional(),
  errors: z.array(z.string()).optional(),
});
export type ResultMessage = z.infer<typeof ResultMessage>;
