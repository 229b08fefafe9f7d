/** The request, then the conversation context (already sanitized and labelled by its source). */
export function buildPrompt(prompt: string, context: string | undefined): string {
  if (context === undefined || context.trim() === "") return prompt;
  return `${prompt}\n\n<context>\n${context.trim()}\n</context>`;
}
