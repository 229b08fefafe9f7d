import { describe, expect, it } from "vitest";
import { formatHostEntry, matchesHostEntry, parseHostEntry } from "../../src/sandbox/parse-host-entry.ts";

describe("parseHostEntry", () => {
  it.each([
    ["github.com", { host: "github.com", port: undefined }],
    ["GitHub.COM", { host: "github.com", port: undefined }],
    ["api.anthropic.com:443", { host: "api.anthropic.com", port: 443 }],
    ["*.npmjs.org", { host: "*.npmjs.org", port: undefined }],
    ["127.0.0.1:9000", { host: "127.0.0.1", port: 9000 }],
    ["10.0.0.1", { host: "10.0.0.1", port: undefined }],
    ["[::1]:8080", { host: "::1", port: 8080 }],
    ["[2001:db8::1]", { host: "2001:db8::1", port: undefined }],
    ["::1", { host: "::1", port: undefined }],
    ["localhost:3000", { host: "localhost", port: 3000 }],
    [" registry.npmjs.org ", { host: "registry.npmjs.org", port: undefined }],
  ])("parses %j", (entry, expected) => {
    expect(parseHostEntry(entry)).toEqual(expected);
  });

  it.each([
    "",
    "https://github.com",
    "github.com/path",
    "host:0",
    "host:65536",
    "host:abc",
    "*",
    "*.*.com",
    "a b",
    "[nothost]:80",
    "1:2:3:zz",
    "user@host",
  ])("rejects %j", (entry) => {
    expect(parseHostEntry(entry)).toBeNull();
  });
});

describe("matchesHostEntry", () => {
  it.each([
    ["github.com", "github.com", 443, true],
    ["github.com", "GITHUB.com", 22, true],
    ["github.com", "api.github.com", 443, false],
    ["github.com:443", "github.com", 80, false],
    ["*.github.com", "api.github.com", 443, true],
    ["*.github.com", "github.com", 443, false],
    ["*.github.com", "evilgithub.com", 443, false],
    ["127.0.0.1:9000", "127.0.0.1", 9000, true],
    ["127.0.0.1:9000", "127.0.0.1", 9001, false],
    ["[::1]:80", "[::1]", 80, true],
  ])("%s vs %s:%i → %s", (entry, host, port, expected) => {
    const parsed = parseHostEntry(entry)!;

    expect(matchesHostEntry(parsed, host, port)).toBe(expected);
  });
});

describe("formatHostEntry", () => {
  it.each(["github.com", "github.com:443", "[::1]:443", "10.0.0.1"])("round-trips %s", (entry) => {
    expect(formatHostEntry(parseHostEntry(entry)!)).toBe(entry);
  });
});
