import type { GitCredentials } from "./git-auth.ts";

/**
 * Environment that gives ONE git command the credentials: an `http.extraHeader` basic
 * Authorization header through git's GIT_CONFIG_COUNT/KEY/VALUE variables. Nothing lands in argv,
 * a remote URL or .git/config. Also disables prompts and credential helpers, so a missing or wrong
 * credential fails at once instead of waiting for a terminal.
 */
export function gitCredentialEnv(credentials: GitCredentials | null): Record<string, string> {
  const entries: Array<[string, string]> = [["credential.helper", ""]];
  if (credentials !== null) {
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
    entries.push(["http.extraHeader", `Authorization: Basic ${basic}`]);
  }
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    GCM_INTERACTIVE: "never",
    GIT_CONFIG_COUNT: String(entries.length),
  };
  for (const [index, [key, value]] of entries.entries()) {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  }
  return env;
}

/** The strings that must never appear in output: the password and the header built from it. */
export function credentialSecrets(credentials: GitCredentials | null): string[] {
  if (credentials === null) return [];
  return [
    credentials.password,
    Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64"),
  ];
}
