import { randomBytes, timingSafeEqual } from "node:crypto";
import { lookup } from "node:dns/promises";
import http from "node:http";
import { connect, isIP, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { formatHostEntry, matchesHostEntry, type HostEntry } from "./parse-host-entry.ts";

/**
 * The HTTP proxy every local sandbox reaches the network through (sandbox-runtime bridges it into each
 * sandbox's empty network namespace). One gate serves every sandbox of a process: each sandbox gets
 * its own proxy credentials, and the gate applies that sandbox's allow-list, so one task's extra hosts
 * never open the network for another.
 */
export interface NetworkGate {
  readonly port: number;
  /** Registers a sandbox's allow-list; returns the proxy credentials (user:password) its commands use. */
  register(policy: NetworkPolicy): NetworkPass;
  close(): Promise<void>;
}

export interface NetworkPolicy {
  readonly allowedHosts: readonly HostEntry[];
  /** Called for every refused connection, to tell the running command why. */
  readonly onBlocked: (destination: string, reason: string) => void;
}

export interface NetworkPass {
  /** "user:password" for the proxy URL (percent-safe: hex only). */
  readonly credentials: string;
  release(): void;
}

type Verdict = { allowed: true; address: string } | { allowed: false; reason: string };

/** Resolves a host name to the address to dial (dns.lookup; injectable for tests). */
export type ResolveHost = (host: string) => Promise<string>;

async function lookupAddress(host: string): Promise<string> {
  return (await lookup(host)).address;
}

export async function createNetworkGate(options: { resolveHost?: ResolveHost } = {}): Promise<NetworkGate> {
  const resolveHost = options.resolveHost ?? lookupAddress;
  const policies = new Map<string, NetworkPolicy>();
  const sockets = new Set<Duplex>();
  const server = http.createServer((request, response) => {
    void forwardPlainHttp(policies, resolveHost, request, response);
  });
  server.on("connect", (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    void tunnel(policies, resolveHost, request, socket, head);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  return {
    port,
    register(policy) {
      const user = `sbx${randomBytes(6).toString("hex")}`;
      const password = randomBytes(24).toString("hex");
      policies.set(`${user}:${password}`, policy);
      return {
        credentials: `${user}:${password}`,
        release: () => void policies.delete(`${user}:${password}`),
      };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Finds the policy for the request's Proxy-Authorization (constant-time compare of the secret part). */
function policyFor(
  policies: Map<string, NetworkPolicy>,
  header: string | undefined,
): NetworkPolicy | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
  if (match === null) return undefined;
  const credentials = Buffer.from(match[1] ?? "", "base64").toString("utf8");
  const user = credentials.split(":")[0] ?? "";
  for (const [key, policy] of policies) {
    if (!key.startsWith(`${user}:`)) continue;
    const expected = Buffer.from(key);
    const given = Buffer.from(credentials);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return policy;
  }
  return undefined;
}

/** Addresses an allowed host NAME must not resolve to (DNS rebinding onto the worker or cloud metadata). */
function isInternalAddress(address: string): boolean {
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    return /^(127\.|0\.|169\.254\.)/.test(v4) || v4 === "100.100.100.200" || v4 === "168.63.129.16";
  }
  const v6 = address.toLowerCase();
  return v6 === "::1" || v6 === "::" || v6.startsWith("fe80:") || v6.startsWith("fd00:ec2:");
}

async function judge(
  policy: NetworkPolicy,
  resolveHost: ResolveHost,
  host: string,
  port: number,
): Promise<Verdict> {
  const target = host.replace(/^\[|\]$/g, "").toLowerCase();
  const entry = policy.allowedHosts.find((candidate) => matchesHostEntry(candidate, target, port));
  if (entry === undefined) {
    const allowed = policy.allowedHosts.map(formatHostEntry).join(", ") || "none";
    return { allowed: false, reason: `not on the sandbox's allow-list (allowed: ${allowed})` };
  }
  if (isIP(target) !== 0) return { allowed: true, address: target };
  try {
    const address = await resolveHost(target);
    // "localhost" listed explicitly means the worker's loopback on purpose (development, tests).
    if (isInternalAddress(address) && target !== "localhost") {
      return { allowed: false, reason: "its name resolves to an internal address" };
    }
    return { allowed: true, address };
  } catch {
    return { allowed: false, reason: "its name does not resolve" };
  }
}

function blockedMessage(destination: string, reason: string): string {
  return `Blocked by the cloud-agent sandbox: ${destination} is ${reason.startsWith("its") ? "refused, " + reason : reason}.\n`;
}

async function tunnel(
  policies: Map<string, NetworkPolicy>,
  resolveHost: ResolveHost,
  request: http.IncomingMessage,
  client: Duplex,
  head: Buffer,
): Promise<void> {
  client.on("error", () => client.destroy());
  const policy = policyFor(policies, request.headers["proxy-authorization"]);
  if (policy === undefined) {
    client.end("HTTP/1.1 407 Proxy Authentication Required\r\nConnection: close\r\n\r\n");
    return;
  }
  const [host = "", portText = "443"] = splitHostPort(request.url ?? "");
  const port = Number(portText);
  const destination = `${host}:${port}`;
  const verdict = await judge(policy, resolveHost, host, port);
  if (!verdict.allowed) {
    policy.onBlocked(destination, verdict.reason);
    const body = blockedMessage(destination, verdict.reason);
    client.end(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nX-Proxy-Error: blocked-by-sandbox\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    return;
  }
  const upstream = connect({ host: verdict.address, port });
  upstream.on("connect", () => {
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on("error", (error) => {
    if (upstream.readyState === "opening") {
      client.end(`HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n${error.message}\n`);
    } else client.destroy();
  });
  client.on("close", () => upstream.destroy());
}

async function forwardPlainHttp(
  policies: Map<string, NetworkPolicy>,
  resolveHost: ResolveHost,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const policy = policyFor(policies, request.headers["proxy-authorization"]);
  if (policy === undefined) {
    response.writeHead(407, { "Proxy-Authenticate": 'Basic realm="sandbox"', Connection: "close" }).end();
    return;
  }
  let url: URL;
  try {
    url = new URL(request.url ?? "");
    if (url.protocol !== "http:") throw new Error("not http");
  } catch {
    response
      .writeHead(400, { "Content-Type": "text/plain" })
      .end("The sandbox proxy needs an absolute http:// URL.\n");
    return;
  }
  const port = Number(url.port || 80);
  const destination = `${url.hostname}:${port}`;
  const verdict = await judge(policy, resolveHost, url.hostname, port);
  if (!verdict.allowed) {
    policy.onBlocked(destination, verdict.reason);
    response
      .writeHead(403, { "Content-Type": "text/plain", "X-Proxy-Error": "blocked-by-sandbox" })
      .end(blockedMessage(destination, verdict.reason));
    return;
  }
  const headers = { ...request.headers };
  delete headers["proxy-authorization"];
  delete headers["proxy-connection"];
  const upstream = http.request(
    { host: verdict.address, port, method: request.method, path: `${url.pathname}${url.search}`, headers },
    (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(response);
    },
  );
  upstream.on("error", (error) => {
    if (!response.headersSent) response.writeHead(502, { "Content-Type": "text/plain" });
    response.end(`${error.message}\n`);
  });
  request.pipe(upstream);
}

function splitHostPort(authority: string): [string, string] {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(authority);
  if (bracketed !== null) return [bracketed[1] ?? "", bracketed[2] ?? ""];
  const index = authority.lastIndexOf(":");
  return index === -1 ? [authority, "443"] : [authority.slice(0, index), authority.slice(index + 1)];
}
