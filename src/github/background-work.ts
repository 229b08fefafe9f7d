import type { Logger } from "pino";

/** Work started by webhook handlers after the response; awaited on shutdown and in tests. */
export interface BackgroundWork {
  run(label: string, work: () => Promise<void>): void;
  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void>;
  /** Work started or waiting. */
  readonly size: number;
}

/**
 * At most `concurrency` pieces of work start at once; the rest wait in order. Work never starts in
 * the handler's own turn of the event loop (setImmediate), so under a burst of deliveries the
 * webhook answers go out first and the GitHub calls and queries behind them follow, instead of 200
 * commands competing with 200 answers for the CPU and the database pool. Work that is still
 * running after `slotMs` (typically waiting for the installation's GitHub write cap) gives its slot
 * to the next one and finishes on its own, so the queue keeps moving. A command that waits here
 * is safe if the process dies: its delivery row is still `accepted` and another process resumes it
 * (resumeAcceptedDeliveries).
 */
export function createBackgroundWork(
  log: Logger,
  options: { concurrency?: number; slotMs?: number } = {},
): BackgroundWork {
  const concurrency = options.concurrency ?? 8;
  const slotMs = options.slotMs ?? 1_000;
  const waiting: Array<{ label: string; work: () => Promise<void>; done: () => void }> = [];
  const pending = new Set<Promise<void>>();
  let active = 0;

  function pump(): void {
    while (active < concurrency && waiting.length > 0) {
      const next = waiting.shift()!;
      active += 1;
      let holdsSlot = true;
      const release = () => {
        if (!holdsSlot) return;
        holdsSlot = false;
        active -= 1;
        pump();
      };
      const slot = setTimeout(release, slotMs);
      next
        .work()
        .catch((error: unknown) =>
          log.error({ err: error, label: next.label }, "Background webhook work failed"),
        )
        .finally(() => {
          clearTimeout(slot);
          release();
          next.done();
        });
    }
  }

  return {
    run(label, work) {
      const promise = new Promise<void>((done) => waiting.push({ label, work, done }));
      pending.add(promise);
      void promise.finally(() => pending.delete(promise));
      setImmediate(pump);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    get size() {
      return pending.size;
    },
  };
}
