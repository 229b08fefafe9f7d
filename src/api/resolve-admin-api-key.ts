import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "pino";

/**
 * The bearer key for /v1 and the admin pages: ADMIN_API_KEY, or else a key generated once into
 * DATA_DIR/admin-api-key (mode 600) and reused on every start. The path is logged, the key never.
 */
export function resolveAdminApiKey(
  config: { readonly adminApiKey: string | undefined; readonly dataDir: string },
  log: Logger,
): string {
  if (config.adminApiKey !== undefined) return config.adminApiKey;
  const dir = resolve(config.dataDir);
  const path = join(dir, "admin-api-key");
  const existing = readKey(path);
  if (existing !== undefined) return existing;
  mkdirSync(dir, { recursive: true });
  const key = `ca_${randomBytes(32).toString("base64url")}`;
  try {
    // "wx": two processes starting at once cannot both write; the loser reads the winner's key.
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    const raced = readKey(path);
    if (raced !== undefined) return raced;
    throw new Error(`${path} exists but holds no usable key; delete it or set ADMIN_API_KEY`, {
      cause: error,
    });
  }
  chmodSync(path, 0o600);
  log.warn({ path }, "ADMIN_API_KEY is not set; generated an admin API key into this file");
  return key;
}

function readKey(path: string): string | undefined {
  try {
    const value = readFileSync(path, "utf8").trim();
    return value.length >= 16 ? value : undefined;
  } catch {
    return undefined;
  }
}
