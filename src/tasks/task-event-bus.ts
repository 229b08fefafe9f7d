import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";

/** One stored task event as it travels between processes (web replicas, workers). */
export const LiveTaskEvent = z.object({
  taskId: z.string(),
  seq: z.number().int(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});
export type LiveTaskEvent = z.infer<typeof LiveTaskEvent>;

const SUBSCRIBE_TIMEOUT_MS = 2_000;

export type TaskEventListener = (event: LiveTaskEvent) => void;
export type Unsubscribe = () => Promise<void>;

/**
 * Cross-process live feed of task events over Redis pub/sub: one channel per task, plus one channel
 * with every status change (list pages). Postgres stays the source of truth: a subscriber that
 * misses a message reads the gap from task_events (events carry their seq).
 */
export interface TaskEventBus {
  /** Publishes the events in order, all in one round trip. */
  publish(...events: LiveTaskEvent[]): Promise<void>;
  /** Resolves once Redis confirmed the subscription, so nothing published after it is missed. */
  subscribe(taskId: string, listener: TaskEventListener): Promise<Unsubscribe>;
  /** Status events of every task. */
  subscribeStatus(listener: TaskEventListener): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export interface TaskEventBusOptions {
  /** Connection used for PUBLISH (shared). */
  readonly redis: Redis;
  /** A dedicated connection for SUBSCRIBE, created on first use. */
  readonly createSubscriber: () => Redis;
  readonly prefix: string;
  readonly log: Logger;
}

export function createTaskEventBus(options: TaskEventBusOptions): TaskEventBus {
  const listeners = new Map<string, Set<TaskEventListener>>();
  let subscriber: Redis | undefined;
  const statusChannel = `${options.prefix}:task-status`;
  const channelOf = (taskId: string) => `${options.prefix}:task-events:${taskId}`;

  function ensureSubscriber(): Redis {
    if (subscriber !== undefined) return subscriber;
    const connection = options.createSubscriber();
    connection.on("error", (error: Error) =>
      options.log.warn({ err: error }, "Task event subscriber connection error"),
    );
    connection.on("message", (channel: string, message: string) => deliver(channel, message));
    subscriber = connection;
    return connection;
  }

  function deliver(channel: string, message: string): void {
    const set = listeners.get(channel);
    if (set === undefined) return;
    const parsed = LiveTaskEvent.safeParse(JSON.parse(message));
    if (!parsed.success) return;
    for (const listener of set) {
      try {
        listener(parsed.data);
      } catch (error) {
        options.log.warn({ err: error, channel }, "Task event listener failed");
      }
    }
  }

  async function subscribeChannel(channel: string, listener: TaskEventListener): Promise<Unsubscribe> {
    const connection = ensureSubscriber();
    let set = listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      listeners.set(channel, set);
    }
    set.add(listener);
    const unsubscribe = async () => {
      const current = listeners.get(channel);
      current?.delete(listener);
      if (current === undefined || current.size > 0) return;
      listeners.delete(channel);
      await connection.unsubscribe(channel).catch(() => undefined);
    };
    // Bounded: while Redis is away the caller falls back to reading Postgres.
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        connection.subscribe(channel),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("Redis subscribe timed out")), SUBSCRIBE_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      await unsubscribe();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return unsubscribe;
  }

  return {
    async publish(...events) {
      const pipeline = options.redis.pipeline();
      for (const event of events) {
        const message = JSON.stringify(event);
        pipeline.publish(channelOf(event.taskId), message);
        if (event.type === "status") pipeline.publish(statusChannel, message);
      }
      await pipeline.exec();
    },
    subscribe: (taskId, listener) => subscribeChannel(channelOf(taskId), listener),
    subscribeStatus: (listener) => subscribeChannel(statusChannel, listener),
    async close() {
      listeners.clear();
      const connection = subscriber;
      subscriber = undefined;
      if (connection !== undefined) connection.disconnect();
      return Promise.resolve();
    },
  };
}
