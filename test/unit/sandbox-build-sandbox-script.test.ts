import { describe, expect, it } from "vitest";
import { buildSandboxScript } from "../../src/sandbox/build-sandbox-script.ts";

const base = { command: "echo hi", cwd: "/s/workspace", tmpDir: "/s/tmp", allowedHostNames: [] as string[] };

describe("buildSandboxScript", () => {
  it("points every proxy variable at the sandbox's own proxy URL from the environment", () => {
    const script = buildSandboxScript(base);

    expect(script).toContain('HTTPS_PROXY="$CLOUD_AGENT_PROXY"');
    expect(script).toContain('http_proxy="$CLOUD_AGENT_PROXY"');
    expect(script).toMatch(/^unset CLOUD_AGENT_PROXY .*GIT_SSH_COMMAND/m);
    expect(script.split("\n").at(-1)).toBe("echo hi");
  });

  it.each([
    [[], "localhost,127.0.0.1,::1"],
    [["127.0.0.1"], "localhost,::1"],
    [["localhost", "::1", "github.com"], "127.0.0.1"],
  ])("bypasses the proxy only for loopback names not on the allow-list %j", (hosts, noProxy) => {
    const script = buildSandboxScript({ ...base, allowedHostNames: hosts });

    expect(script).toContain(`NO_PROXY='${noProxy}'`);
  });

  it("quotes the working directory and sets TMPDIR to the sandbox's tmp", () => {
    const script = buildSandboxScript({ ...base, cwd: "/s/work space/it's", tmpDir: "/s/tmp" });

    expect(script).toContain(`cd -- '/s/work space/it'\\''s' || exit 1`);
    expect(script).toContain("TMPDIR='/s/tmp'");
  });

  it.each([
    [undefined, false],
    [30, true],
  ])("limits CPU seconds only when asked (%s)", (cpuSeconds, limited) => {
    const script = buildSandboxScript({ ...base, cpuSeconds });

    expect(script.includes(`ulimit -t ${cpuSeconds}`)).toBe(limited);
  });
});
