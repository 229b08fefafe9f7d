/**
 * TEST DOUBLE helper: tells the agent's main-loop requests from its side requests, and which turn
 * of the script a main-loop request asks for.
 */

export type RequestKind = "main" | "side_message" | "count_tokens" | "models" | "other";

interface MessageLike {
  role?: unknown;
  content?: unknown;
}

export function classifyRequest(method: string, path: string, body: unknown): RequestKind {
  if (method === "POST" && path.endsWith("/v1/messages/count_tokens")) return "count_tokens";
  if (method === "GET" && path.startsWith("/v1/models")) return "models";
  if (method !== "POST" || !path.endsWith("/v1/messages")) return "other";
  const tools = (body as { tools?: unknown } | null)?.tools;
  // The agent's main loop always offers its tools (Bash among them); side requests offer none.
  const hasAgentTools =
    Array.isArray(tools) && tools.some((tool) => (tool as { name?: unknown } | null)?.name === "Bash");
  return hasAgentTools ? "main" : "side_message";
}

/**
 * The number of assistant messages after the latest user prompt (a user message with text that is
 * not only tool results). A fresh run asks for turn 0, the request after the first tool call for
 * turn 1, and a resumed session starts again at 0 after its new prompt.
 */
export function turnIndexOf(body: unknown): number {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return 0;
  let turn = 0;
  for (const message of messages as MessageLike[]) {
    if (message.role === "assistant") turn += 1;
    else if (message.role === "user" && isPrompt(message.content)) turn = 0;
  }
  return turn;
}

function isPrompt(content: unknown): boolean {
  if (typeof content === "string") return true;
  if (!Array.isArray(content)) return false;
  return !content.some((block) => (block as { type?: unknown } | null)?.type === "tool_result");
}
