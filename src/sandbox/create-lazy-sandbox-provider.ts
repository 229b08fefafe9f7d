import type { SandboxProvider } from "./sandbox.ts";

/**
 * A provider built on first use. Web-only processes never run a sandbox, so they need neither
 * bubblewrap nor a Novita key; workers check their provider at start (see checkSandboxProvider).
 */
export function createLazySandboxProvider(
  name: SandboxProvider["name"],
  create: () => SandboxProvider,
): SandboxProvider {
  let provider: SandboxProvider | undefined;
  const get = () => (provider ??= create());
  return {
    name,
    // async: a factory that throws (bubblewrap missing) rejects like any other create failure.
    create: async (options) => get().create(options),
    destroyById: async (id) => get().destroyById(id),
    async close() {
      await provider?.close?.();
    },
  };
}
