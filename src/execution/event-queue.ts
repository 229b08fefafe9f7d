import type { TaskEventInput } from "../tasks/task-event.ts";

/**
 * Emits events one after another in arrival order without blocking the producer (a stream
 * callback). The first emit failure is kept and rethrown by drain(); later events are dropped.
 */
export function createEventQueue(emit: (event: TaskEventInput) => Promise<void>) {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let failed = false;
  return {
    push(event: TaskEventInput): void {
      chain = chain.then(async () => {
        if (failed) return;
        try {
          await emit(event);
        } catch (error) {
          failed = true;
          failure = error;
        }
      });
    },
    async drain(): Promise<void> {
      await chain;
      if (failed) throw failure;
    },
  };
}
