/** Collects output up to a byte budget, keeping the head and noting how much was dropped. */
export function createCappedText(maxBytes: number): { append(text: string): void; text(): string } {
  const parts: string[] = [];
  let bytes = 0;
  let dropped = 0;
  return {
    append(text) {
      const size = Buffer.byteLength(text);
      if (bytes + size > maxBytes) {
        dropped += size;
        return;
      }
      parts.push(text);
      bytes += size;
    },
    text() {
      const joined = parts.join("");
      return dropped === 0 ? joined : `${joined}[... ${dropped} more bytes not kept ...]\n`;
    },
  };
}
