/** Single-quotes a string for POSIX shells ('it'\''s'). */
export function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
