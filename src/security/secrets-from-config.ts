import { readFileSync } from "node:fs";
import type { Config } from "../config.ts";

/**
 * The literal values of the service's own secrets, for createRedactor(secretsFromConfig(config)):
 * the App private key (inline and the PRIVATE_KEY_PATH file), webhook secret, admin key, tokens and
 * API keys, OAuth client secret, task link and metrics tokens, and the passwords inside DATABASE_URL and
 * REDIS_URL (the whole URLs too: they name internal hosts).
 */
export function secretsFromConfig(
  config: Config,
  readFile: (path: string) => string | undefined = readFileOrUndefined,
): string[] {
  const keyFile =
    config.github.privateKeyPath === undefined ? undefined : readFile(config.github.privateKeyPath);
  const candidates = [
    config.github.privateKey,
    keyFile,
    config.github.webhookSecret,
    config.github.clientSecret,
    config.github.token,
    config.adminApiKey,
    config.agent.anthropicApiKey,
    config.agent.oauthToken,
    config.sandbox.novitaApiKey,
    config.taskLinkSecret,
    config.metricsToken,
    ...urlSecrets(config.databaseUrl),
    ...urlSecrets(config.redisUrl),
  ];
  return candidates.filter((value): value is string => value !== undefined && value.trim() !== "");
}

/** The password of a connection URL, raw and decoded; the URL itself when it carries one. */
function urlSecrets(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const { password } = new URL(url);
    if (password === "") return [];
    return [url, password, safeDecode(password)];
  } catch {
    return [url];
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function readFileOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
