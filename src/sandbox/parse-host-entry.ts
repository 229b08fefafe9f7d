import { isIP } from "node:net";

/** One allow-list entry: a host name (optionally `*.` wildcard) or an IP address, with an optional port. */
export interface HostEntry {
  /** Lower-case host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** Destination port, or undefined for any port. */
  readonly port: number | undefined;
}

const HOST_NAME =
  /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/**
 * Parses "host", "host:port", "*.example.com", "10.0.0.1:8080", "[::1]:443" or "::1". Returns null for
 * anything else (URLs, paths, empty strings, bad ports), so callers can name the bad entry.
 */
export function parseHostEntry(entry: string): HostEntry | null {
  const text = entry.trim().toLowerCase();
  if (text === "") return null;

  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) {
    const host = bracketed[1] ?? "";
    if (isIP(host) !== 6) return null;
    return withPort(host, bracketed[2]);
  }
  // More than one colon and no brackets: a bare IPv6 address, never a port.
  if (text.split(":").length > 2) return isIP(text) === 6 ? { host: text, port: undefined } : null;

  const [host = "", port] = text.split(":");
  if (isIP(host) !== 4 && !HOST_NAME.test(host)) return null;
  return withPort(host.replace(/\.$/, ""), port);
}

function withPort(host: string, port: string | undefined): HostEntry | null {
  if (port === undefined) return { host, port: undefined };
  if (!/^\d{1,5}$/.test(port)) return null;
  const number = Number(port);
  if (number < 1 || number > 65535) return null;
  return { host, port: number };
}

/** Whether a destination (host as the client sent it, port) is covered by an entry. */
export function matchesHostEntry(entry: HostEntry, host: string, port: number): boolean {
  if (entry.port !== undefined && entry.port !== port) return false;
  const target = host
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (entry.host.startsWith("*.")) return target.endsWith(entry.host.slice(1));
  return target === entry.host;
}

/** Formats an entry back to its canonical text ("host", "host:port", "[::1]:443"). */
export function formatHostEntry(entry: HostEntry): string {
  const host = entry.host.includes(":") ? `[${entry.host}]` : entry.host;
  return entry.port === undefined ? host : `${host}:${entry.port}`;
}
