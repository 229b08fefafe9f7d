import { quote } from "./shell-quote.ts";

/** Proxy variables sandbox-runtime sets that we replace (they carry no credentials of ours). */
const PROXY_VARIABLES = [
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "http_proxy",
  "https_proxy",
  "ALL_PROXY",
  "all_proxy",
  "GRPC_PROXY",
  "grpc_proxy",
];
/** Variables sandbox-runtime sets that point at nothing we run (SOCKS-only tools, host ports). */
const DROPPED_VARIABLES = [
  "FTP_PROXY",
  "ftp_proxy",
  "RSYNC_PROXY",
  "DOCKER_HTTP_PROXY",
  "DOCKER_HTTPS_PROXY",
  "CLOUDSDK_PROXY_TYPE",
  "CLOUDSDK_PROXY_ADDRESS",
  "CLOUDSDK_PROXY_PORT",
  "CLAUDE_CODE_HOST_HTTP_PROXY_PORT",
  "CLAUDE_CODE_HOST_SOCKS_PROXY_PORT",
  // SSH through the proxy would need our credentials; git goes over https.
  "GIT_SSH_COMMAND",
];

/** Loopback names that bypass the proxy unless the allow-list names them (then the proxy must see them). */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

export interface SandboxScriptInput {
  readonly tmpDir: string;
  /** Hosts on the allow-list (bare host names/addresses, ports dropped). */
  readonly allowedHostNames: readonly string[];
  /** RLIMIT_CPU in seconds per process, when set. */
  readonly cpuSeconds?: number | undefined;
}

/** Environment variables that carry one command into the sandbox's fixed script. */
export const COMMAND_VARIABLE = "CLOUD_AGENT_COMMAND";
export const CWD_VARIABLE = "CLOUD_AGENT_CWD";
export const PROXY_VARIABLE = "CLOUD_AGENT_PROXY";

/**
 * The script that runs INSIDE the sandbox around every command. It is the same for every command
 * of a sandbox (so the sandbox is wrapped once): the command and its working directory arrive in the
 * environment, as does the proxy URL with the sandbox's credentials, so none of them shows up in
 * argv. The proxy URL replaces sandbox-runtime's own, so the gate knows which sandbox is asking;
 * NO_PROXY keeps only loopback names that are not on the allow-list, so an allow-listed server on
 * the worker's loopback (test model, local git server) goes through the proxy.
 */
export function buildSandboxScript(input: SandboxScriptInput): string {
  const noProxy = LOOPBACK_NAMES.filter((name) => !input.allowedHostNames.includes(name)).join(",");
  const lines = [
    `export ${PROXY_VARIABLES.map((name) => `${name}="$${PROXY_VARIABLE}"`).join(" ")}`,
    `export NO_PROXY=${quote(noProxy)} no_proxy=${quote(noProxy)} TMPDIR=${quote(input.tmpDir)}`,
    `__cloud_agent_command="$${COMMAND_VARIABLE}"; __cloud_agent_cwd="$${CWD_VARIABLE}"`,
    `unset ${PROXY_VARIABLE} ${COMMAND_VARIABLE} ${CWD_VARIABLE} ${DROPPED_VARIABLES.join(" ")}`,
    "ulimit -c 0",
    ...(input.cpuSeconds === undefined ? [] : [`ulimit -t ${Math.max(1, Math.floor(input.cpuSeconds))}`]),
    'cd -- "$__cloud_agent_cwd" || exit 1',
    "unset __cloud_agent_cwd",
    'eval "$__cloud_agent_command"',
  ];
  return lines.join("\n");
}
