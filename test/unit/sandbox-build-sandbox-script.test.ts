import { describe, expect, it } from "vitest";
import { buildSandboxScript } from "../../src/sandbox/build-sandbox-script.ts";

const base = { tmpDir: "/s/tmp", allowedHostNames: [] as string[] };

describe("buildSandboxScript", () => {
  it("points every proxy variable at the sandbox's own proxy URL from the environment", () => {
    const script = buildSandboxScript(base);

    expect(script).toContain('HTTPS_PROXY="$CLOUD_AGENT_PROXY"');
    expect(script).toContain('http_proxy="$CLOUD_AGENT_PROXY"');
    expect(script).toMatch(/^unset CLOUD_AGENT_PROXY CLOUD_AGENT_COMMAND CLOUD_AGENT_CWD .*GIT_SSH_COMMAND/m);
  });

  it("takes the command and its directory from the environment, never from its own text", () => {
    const script = buildSandboxScript(base);

    expect(script).toContain('cd -- "$__cloud_agent_cwd" || exit 1');
    expect(script.split("\n").at(-1)).toBe('eval "$__cloud_agent_command"');
  });

  it.each([
    [[], "localhost,127.0.0.1,::1"],
    [["127.0.0.1"], "localhost,::1"],
    [["localhost", "::1", "github.com"], "127.0.0.1"],
  ])("bypasses the proxy only for loopback names not on the allow-list %j", (hosts, noProxy) => {
    const script = buildSandboxScript({ ...base, allowedHostNames: hosts });

    expect(script).toContain(`NO_PROXY='${noProxy}'`);
  });

  it("quotes TMPDIR", () => {
    const script = buildSandboxScript({ ...base, tmpDir: "/s/it's tmp" });

    expect(script).toContain(`TMPDIR='/s/it'\\''s tmp'`);
  });

  it.each([
    [undefined, false],
    [30, true],
  ])("limits CPU seconds only when asked (%s)", (cpuSeconds, limited) => {
    const script = buildSandboxScript({ ...base, cpuSeconds });

    expect(script.includes(`ulimit -t ${cpuSeconds}`)).toBe(limited);
  });
});
