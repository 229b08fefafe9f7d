/** The npm registry: most repositories install dependencies before the agent can run their tests. */
const NPM_REGISTRY = "registry.npmjs.org";
const ANTHROPIC_API = "api.anthropic.com";

export interface AllowedHostsInput {
  /** The repository's clone URL (https://github.com/o/r.git, http://127.0.0.1:9000/o/r.git, ...). */
  readonly repositoryUrl?: string | undefined;
  /** ANTHROPIC_BASE_URL when set (a gateway, a proxy, the test model server). */
  readonly anthropicBaseUrl?: string | undefined;
  /** config.sandbox.allowedHosts plus the task's own allowed_hosts. */
  readonly extra?: readonly string[] | undefined;
}

/**
 * The default network allow-list of a task's sandbox: the repository's git host, the model API host
 * (api.anthropic.com, or the host of ANTHROPIC_BASE_URL), the npm registry, then the extras. Hosts of
 * URLs keep their explicit port (a local git server on 127.0.0.1:9000 allows only that port).
 */
export function allowedHostsFor(input: AllowedHostsInput): string[] {
  const hosts = [
    hostOfUrl(input.repositoryUrl),
    hostOfUrl(input.anthropicBaseUrl) ?? ANTHROPIC_API,
    NPM_REGISTRY,
    ...(input.extra ?? []).map((entry) => entry.trim()),
  ];
  const seen = new Set<string>();
  const result: string[] = [];
  for (const host of hosts) {
    if (host === undefined || host === "" || seen.has(host.toLowerCase())) continue;
    seen.add(host.toLowerCase());
    result.push(host);
  }
  return result;
}

/** "https://github.com/o/r.git" → "github.com"; "http://127.0.0.1:9000/x" → "127.0.0.1:9000"; scp-style "git@host:o/r" → "host". */
function hostOfUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.trim() === "") return undefined;
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)/.exec(url);
  if (scp !== null) return scp[1];
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "file:" || parsed.hostname === "") return undefined;
    return parsed.host;
  } catch {
    return undefined;
  }
}
