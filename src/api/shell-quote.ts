/** Single-quotes a value for POSIX shells (safe for any content). */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9._/:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
