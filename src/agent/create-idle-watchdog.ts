/**
 * Notices an agent that has gone silent while it waits on the model API: no output for `limitMs`
 * while no tool is running. A running tool (a long `npm test`) is bounded by the tool's own timeout
 * and the task's time limit, so the clock stops while one runs. When the limit passes, `signal`
 * aborts with the reason `onIdle` gives (the caller stops the agent with it).
 */
export interface IdleWatchdog {
  readonly signal: AbortSignal;
  /** The agent said something (a stream message): the silence starts again. */
  activity(): void;
  toolStarted(id: string): void;
  toolFinished(id: string): void;
  stop(): void;
}

/** Tools that run a sub-agent: it talks to the model itself, so its silence counts as the agent's. */
const AGENT_TOOLS = new Set(["Task", "Agent"]);

export function createIdleWatchdog(options: {
  readonly limitMs: number;
  readonly onIdle: (limitMs: number) => unknown;
}): IdleWatchdog {
  const controller = new AbortController();
  const running = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function arm(): void {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || controller.signal.aborted || running.size > 0) return;
    timer = setTimeout(() => controller.abort(options.onIdle(options.limitMs)), options.limitMs);
  }

  arm();
  return {
    signal: controller.signal,
    activity: arm,
    toolStarted(id) {
      running.add(id);
      arm();
    },
    toolFinished(id) {
      running.delete(id);
      arm();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Whether a tool call keeps the agent busy without the model (see AGENT_TOOLS). */
export function isLocalTool(name: string): boolean {
  return !AGENT_TOOLS.has(name);
}
