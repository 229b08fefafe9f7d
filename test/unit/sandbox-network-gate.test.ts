import { createServer, request, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNetworkGate, type NetworkGate } from "../../src/sandbox/network-gate.ts";
import { parseHostEntry } from "../../src/sandbox/parse-host-entry.ts";

/** Sends one request through the gate as a proxy client does; returns status and body. */
function viaProxy(
  gate: NetworkGate,
  url: string,
  credentials?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (credentials !== undefined)
      headers["proxy-authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
    const req = request({ host: "127.0.0.1", port: gate.port, path: url, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Opens a CONNECT tunnel and returns the first response head, plus what the tunnel echoes back. */
function tunnel(gate: NetworkGate, authority: string, credentials: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(gate.port, "127.0.0.1", () => {
      const auth = Buffer.from(credentials).toString("base64");
      socket.write(
        `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: Basic ${auth}\r\n\r\n`,
      );
    });
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString();
      if (received.startsWith("HTTP/1.1 200") && received.endsWith("\r\n\r\n")) {
        socket.write("GET / HTTP/1.0\r\n\r\n");
      }
    });
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
  });
}

describe("network gate name checks", () => {
  it("refuses an allowed name that resolves to the worker's loopback or cloud metadata", async () => {
    const addresses: Record<string, string> = {
      "rebind.example": "127.0.0.1",
      "metadata.example": "169.254.169.254",
    };
    const gate = await createNetworkGate({ resolveHost: (host) => Promise.resolve(addresses[host] ?? "") });
    const blocked: string[] = [];
    const pass = gate.register({
      allowedHosts: [parseHostEntry("rebind.example")!, parseHostEntry("metadata.example")!],
      onBlocked: (destination, reason) => blocked.push(`${destination}: ${reason}`),
    });

    const rebind = await viaProxy(gate, "http://rebind.example/", pass.credentials);
    const metadata = await viaProxy(gate, "http://metadata.example/latest", pass.credentials);
    await gate.close();

    expect(rebind.status).toBe(403);
    expect(metadata.status).toBe(403);
    expect(blocked).toEqual([
      "rebind.example:80: its name resolves to an internal address",
      "metadata.example:80: its name resolves to an internal address",
    ]);
  });
});

describe("network gate", () => {
  let gate: NetworkGate;
  let upstream: Server;
  let port: number;

  beforeAll(async () => {
    gate = await createNetworkGate();
    upstream = createServer((_req, res) => res.end("upstream body"));
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", () => resolve()));
    port = (upstream.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await gate.close();
    upstream.close();
  });

  it("asks for credentials it does not know (407)", async () => {
    const anonymous = await viaProxy(gate, `http://127.0.0.1:${port}/`);
    const forged = await viaProxy(gate, `http://127.0.0.1:${port}/`, "sbx:wrong");

    expect(anonymous.status).toBe(407);
    expect(forged.status).toBe(407);
  });

  it("forwards plain HTTP and tunnels CONNECT to allow-listed destinations", async () => {
    const pass = gate.register({
      allowedHosts: [parseHostEntry(`127.0.0.1:${port}`)!],
      onBlocked: () => undefined,
    });

    const plain = await viaProxy(gate, `http://127.0.0.1:${port}/`, pass.credentials);
    const tunnelled = await tunnel(gate, `127.0.0.1:${port}`, pass.credentials);
    pass.release();

    expect(plain).toEqual({ status: 200, body: "upstream body" });
    expect(tunnelled).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(tunnelled).toContain("upstream body");
  });

  it("refuses other destinations with a message and tells the sandbox", async () => {
    const blocked: string[] = [];
    const pass = gate.register({
      allowedHosts: [parseHostEntry("github.com")!],
      onBlocked: (destination, reason) => blocked.push(`${destination}: ${reason}`),
    });

    const plain = await viaProxy(gate, `http://127.0.0.1:${port}/`, pass.credentials);
    const tunnelled = await tunnel(gate, "example.com:443", pass.credentials);
    pass.release();

    expect(plain.status).toBe(403);
    expect(plain.body).toBe(
      `Blocked by the cloud-agent sandbox: 127.0.0.1:${port} is not on the sandbox's allow-list (allowed: github.com).\n`,
    );
    expect(tunnelled).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(blocked).toEqual([
      `127.0.0.1:${port}: not on the sandbox's allow-list (allowed: github.com)`,
      "example.com:443: not on the sandbox's allow-list (allowed: github.com)",
    ]);
  });

  it("keeps each sandbox to its own allow-list and forgets released credentials", async () => {
    const open = gate.register({
      allowedHosts: [parseHostEntry(`127.0.0.1:${port}`)!],
      onBlocked: () => undefined,
    });
    const closed = gate.register({ allowedHosts: [], onBlocked: () => undefined });

    const fromClosed = await viaProxy(gate, `http://127.0.0.1:${port}/`, closed.credentials);
    open.release();
    const afterRelease = await viaProxy(gate, `http://127.0.0.1:${port}/`, open.credentials);
    closed.release();

    expect(fromClosed.status).toBe(403);
    expect(afterRelease.status).toBe(407);
  });
});
