import type { HostEntry } from "./parse-host-entry.ts";

/**
 * Novita/E2B egress rules for an allow-list: everything denied except the listed hosts. E2B filters
 * by host or address, not by port, so "host:port" entries open the whole host there.
 */
export function toEgressRules(allowed: readonly HostEntry[]): { allowOut: string[]; denyOut: string[] } {
  const hosts = allowed.map((entry) => entry.host);
  return { allowOut: [...new Set(hosts)], denyOut: ["0.0.0.0/0"] };
}
