/** GitHub's limits: comment bodies in characters, check run output fields in bytes. */
export const MAX_COMMENT_CHARS = 65_536;
export const MAX_CHECK_RUN_BYTES = 65_535;

function notice(link: string): string {
  return `\n\n… truncated: the full text is on the [task page](${link}).`;
}

/** Cuts a comment body to GitHub's limit, ending with a pointer to the task page. */
export function limitComment(body: string, link: string): string {
  if (body.length <= MAX_COMMENT_CHARS) return body;
  const tail = notice(link);
  return cutAtCodePoint(body, MAX_COMMENT_CHARS - tail.length) + tail;
}

/** Cuts a check run summary/text to 65,535 UTF-8 bytes, ending with a pointer to the task page. */
export function limitCheckRunText(text: string, link: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= MAX_CHECK_RUN_BYTES) return text;
  const tail = notice(link);
  const budget = MAX_CHECK_RUN_BYTES - encoder.encode(tail).length;
  let low = 0;
  let high = Math.min(text.length, budget);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (encoder.encode(cutAtCodePoint(text, middle)).length <= budget) low = middle;
    else high = middle - 1;
  }
  return cutAtCodePoint(text, low) + tail;
}

/** slice() that never splits a surrogate pair. */
function cutAtCodePoint(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? length - 1 : length;
  return text.slice(0, Math.max(0, cut));
}
