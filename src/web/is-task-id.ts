const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` can be a task id (so a malformed id is a 404, not a database error). */
export function isTaskId(id: string): boolean {
  return UUID.test(id);
}
