import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createRedactor, REDACTED, secretsFromConfig } from "../../src/security/redact.ts";

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomFrom(chars: string, length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => chars[byte % chars.length]).join("");
}
const b64url = (value: string) => Buffer.from(value).toString("base64url");

const classic = (prefix: string) => `${prefix}_${randomFrom(alnum, 36)}`;
const statelessGhs = `ghs_${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url(
  JSON.stringify({ iss: "Iv1", inst: 42, perms: "x".repeat(300) }),
)}.${randomFrom(`${alnum}-_`, 86)}`;
const fineGrainedPat = `github_pat_${randomFrom(alnum, 22)}_${randomFrom(alnum, 59)}`;
const anthropicKey = `sk-ant-api03-${randomFrom(`${alnum}-_`, 93)}AA`;
const oauthToken = `sk-ant-oat01-${randomFrom(`${alnum}-_`, 93)}AA`;
const awsKeyId = `AKIA${randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`;
const awsSecret = randomFrom(`${alnum}/+`, 40);
const jwt = `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url('{"iat":1700000000,"iss":"123456"}')}.${randomFrom(`${alnum}-_`, 43)}`;
const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;
const basic = Buffer.from(`x-access-token:${randomFrom(alnum, 30)}`).toString("base64");
const opaque = randomFrom(alnum, 32);

describe("redact: token shapes", () => {
  it.each([
    { kind: "ghp_ classic", secret: classic("ghp"), text: (s: string) => `token is ${s}.` },
    { kind: "gho_ classic", secret: classic("gho"), text: (s: string) => `GITHUB_TOKEN=${s}` },
    { kind: "ghu_ classic", secret: classic("ghu"), text: (s: string) => `"token":"${s}"` },
    { kind: "ghs_ classic", secret: classic("ghs"), text: (s: string) => `x ${s} y` },
    { kind: "ghr_ classic", secret: classic("ghr"), text: (s: string) => `(${s})` },
    { kind: "ghs_ stateless JWT", secret: statelessGhs, text: (s: string) => `installation ${s} ok` },
    { kind: "github_pat_", secret: fineGrainedPat, text: (s: string) => `pat=${s}` },
    { kind: "anthropic api key", secret: anthropicKey, text: (s: string) => `ANTHROPIC_API_KEY=${s}` },
    { kind: "claude oauth token", secret: oauthToken, text: (s: string) => `oauth ${s}` },
    { kind: "aws access key id", secret: awsKeyId, text: (s: string) => `id ${s} used` },
    {
      kind: "aws secret key",
      secret: awsSecret,
      text: (s: string) => `aws_secret_access_key = ${s}`,
    },
    { kind: "aws secret key json", secret: awsSecret, text: (s: string) => `{"SecretAccessKey":"${s}"}` },
    { kind: "jwt", secret: jwt, text: (s: string) => `jwt: ${s}` },
    { kind: "pem block", secret: pem, text: (s: string) => `key:\n${s}\nafter` },
    {
      kind: "pem block, truncated",
      secret: pem.slice(0, 900),
      text: (s: string) => `{"msg":"${s.replace(/\n/g, "\\n")}"}`,
    },
    {
      kind: "pem block, JSON-escaped",
      secret: pem.replace(/\n/g, "\\n"),
      text: (s: string) => `{"key":"${s}"}`,
    },
    {
      kind: "url user:password",
      secret: "s3cr3t-Pa55",
      text: (s: string) => `https://bob:${s}@example.com/x`,
    },
    {
      kind: "url x-access-token",
      secret: classic("ghs").slice(4),
      text: (s: string) => `git clone https://x-access-token:${s}@github.com/o/r.git`,
    },
    {
      kind: "redis url, empty user",
      secret: "hunter2hunter2",
      text: (s: string) => `redis://:${s}@cache:6379/0`,
    },
    { kind: "url token as user", secret: opaque, text: (s: string) => `https://${s}@github.com/o/r` },
    { kind: "authorization basic", secret: basic, text: (s: string) => `Authorization: Basic ${s}` },
    {
      kind: "git extraheader",
      secret: basic,
      text: (s: string) => `http.extraheader=AUTHORIZATION: basic ${s}`,
    },
    { kind: "authorization bearer", secret: opaque, text: (s: string) => `authorization: Bearer ${s}` },
    {
      kind: "authorization token json",
      secret: opaque,
      text: (s: string) => `{"authorization":"token ${s}"}`,
    },
    { kind: "bearer, no header", secret: opaque, text: (s: string) => `curl -H 'Bearer ${s}'` },
    { kind: "query access_token", secret: opaque, text: (s: string) => `GET /x?a=1&access_token=${s}&b=2` },
    { kind: "json password field", secret: "correct horse", text: (s: string) => `{"password":"${s}"}` },
    { kind: "json webhook_secret field", secret: "abc", text: (s: string) => `{"webhook_secret": "${s}"}` },
  ])("$kind", ({ secret, text }) => {
    const input = text(secret);

    const output = createRedactor().redact(input);

    expect(output).not.toContain(secret);
    expect(output).toContain(REDACTED);
  });

  it("keeps the readable context around a secret", () => {
    const redactor = createRedactor();

    expect(redactor.redact(`Authorization: Bearer ${opaque}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactor.redact(`https://u:pw123456@host/p`)).toBe(`https://${REDACTED}@host/p`);
    expect(redactor.redact(`redis://:pw123456@host:6379`)).toBe(`redis://${REDACTED}@host:6379`);
    expect(redactor.redact(`see ${classic("ghp")} now`)).toBe(`see ${REDACTED} now`);
  });

  it("finds a token right after a JSON newline escape", () => {
    const token = classic("ghs");
    const line = JSON.stringify({ msg: "failed", err: `remote said:\n${token}\n` });

    const output = createRedactor().redact(line);

    expect(output).not.toContain(token);
    expect(JSON.parse(output)).toEqual({ msg: "failed", err: `remote said:\n${REDACTED}\n` });
  });

  it("keeps a pino JSON line valid JSON", () => {
    const line = JSON.stringify({
      level: 50,
      msg: "GitHub call failed",
      headers: { authorization: `token ${classic("ghs")}` },
      url: `https://x-access-token:${opaque}@github.com/o/r.git`,
      key: pem.slice(0, 500),
      nested: { apiKey: "abcdefghij", aws: `AWS_SECRET_ACCESS_KEY="${awsSecret}"` },
    });

    const output = createRedactor().redact(line);

    const parsed = JSON.parse(output) as Record<string, unknown>;
    expect(parsed.msg).toBe("GitHub call failed");
    expect(output).not.toContain(opaque);
    expect(output).not.toContain(awsSecret);
    expect(output).not.toContain("abcdefghij");
    expect(output).not.toContain(pem.split("\n")[1]);
  });
});

describe("redact: ordinary text stays untouched", () => {
  it.each([
    ["prose", "The token expired, so the bearer of bad news retried the authorization flow."],
    ["commit SHA", "pushed 3f786850e387550fdab836ed7e6dc881de23001b to agent/fix-date-test"],
    ["short SHA and UUID", "task 0b3f9d2e-6c1a-4f8e-9a77-1d2c3b4a5f60 at commit 3f78685"],
    ["plain URLs", "https://github.com/octo/repo/pull/12 and git@github.com:octo/repo.git"],
    ["ssh-style user", "ssh://git@github.com/octo/repo.git"],
    ["signed task link", "https://agent.example.com/tasks/0b3f9d2e?token=abc123def456ghi789jkl&sig=Zm9vYmFy"],
    ["email", "Requested by mona.lisa@example.com in #42"],
    ["markdown", "| step | status |\n|---|---|\n| clone | ✅ |\n```ts\nconst x = 1;\n```"],
    ["code with token words", "const tokenCount = countTokens(input); // max_tokens: 4096"],
    ["base64 blob", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"],
    ["branch names", "agent/ghost-fix and highs_and_lows_of_the_week_are_here"],
    ["json numbers", '{"input_tokens":1200,"output_tokens":300,"cache_read_input_tokens":0}'],
    ["regex source", "const pattern = /ghp_[A-Za-z0-9]{36}/;"],
    [
      "public key",
      "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
    ],
  ])("%s", (_name, text) => {
    const output = createRedactor().redact(text);

    expect(output).toBe(text);
  });
});

describe("redact: the service's own secrets", () => {
  const env = {
    APP_ID: "123",
    PRIVATE_KEY: pem.replace(/\n/g, "\\n"),
    WEBHOOK_SECRET: "whsec-development-value",
    ADMIN_API_KEY: "admin-key-0123456789abcdef",
    GITHUB_TOKEN: "plain-opaque-github-token-value",
    ANTHROPIC_API_KEY: "gateway-key-not-sk-ant-shaped",
    CLAUDE_CODE_OAUTH_TOKEN: "oauth-token-opaque-value",
    NOVITA_API_KEY: "novita_key_opaque_value",
    DATABASE_URL: "postgres://app:db%2Fpass%40word@db.internal:5432/agent",
    REDIS_URL: "redis://:redis-pass-value@redis.internal:6379",
    GITHUB_CLIENT_SECRET: "client-secret-opaque-value",
    TASK_LINK_SECRET: "task-link-secret-0123456789",
  };
  const config = loadConfig(env);
  const redactor = createRedactor(secretsFromConfig(config));

  it.each([
    ["WEBHOOK_SECRET", env.WEBHOOK_SECRET],
    ["ADMIN_API_KEY", env.ADMIN_API_KEY],
    ["GITHUB_TOKEN", env.GITHUB_TOKEN],
    ["ANTHROPIC_API_KEY", env.ANTHROPIC_API_KEY],
    ["CLAUDE_CODE_OAUTH_TOKEN", env.CLAUDE_CODE_OAUTH_TOKEN],
    ["NOVITA_API_KEY", env.NOVITA_API_KEY],
    ["GITHUB_CLIENT_SECRET", env.GITHUB_CLIENT_SECRET],
    ["TASK_LINK_SECRET", env.TASK_LINK_SECRET],
    ["DATABASE_URL password (encoded)", "db%2Fpass%40word"],
    ["DATABASE_URL password (decoded)", "db/pass@word"],
    ["REDIS_URL password", "redis-pass-value"],
    ["PRIVATE_KEY, one line of it", pem.split("\n")[3]!],
  ])("%s", (_name, secret) => {
    const output = redactor.redact(`before ${secret} after`);

    expect(output).not.toContain(secret);
    expect(output).toBe(`before ${REDACTED} after`);
  });

  it("reads the PRIVATE_KEY_PATH file", () => {
    const fileConfig = loadConfig({ ...env, PRIVATE_KEY: "", PRIVATE_KEY_PATH: "/keys/app.pem" });
    const keyLine = pem.split("\n")[5]!;

    const secrets = secretsFromConfig(fileConfig, (path) => (path === "/keys/app.pem" ? pem : undefined));

    expect(createRedactor(secrets).redact(`x ${keyLine} y`)).toBe(`x ${REDACTED} y`);
  });

  it("redacts a secret in JSON-escaped form", () => {
    const quoted = createRedactor(['pa"ss\\word-value']);

    const output = quoted.redact(JSON.stringify({ value: 'pa"ss\\word-value' }));

    expect(output).toBe(`{"value":"${REDACTED}"}`);
  });

  it("adds tokens minted at run time and ignores short ones", () => {
    const runtime = createRedactor();
    runtime.addSecret("v1.0123456789abcdef0123456789abcdef");
    runtime.addSecret("short");

    expect(runtime.redact("t=v1.0123456789abcdef0123456789abcdef")).toBe(`t=${REDACTED}`);
    expect(runtime.redact("a short text")).toBe("a short text");
  });
});

describe("redactValue", () => {
  it("redacts nested values, sensitive keys, errors and cycles", () => {
    const token = classic("ghs");
    const cause = new Error(`push to https://x-access-token:${token}@github.com failed`);
    const error = Object.assign(new Error(`wrapped ${token}`, { cause }), { status: 401 });
    const value: Record<string, unknown> = {
      list: [`a ${token}`, 1, true, null],
      when: new Date(0),
      headers: { authorization: "token short", "x-api-key": "k" },
      password: "pw",
      error,
    };
    value.self = value;

    const out = createRedactor().redactValue(value);

    expect(JSON.stringify(out.list)).not.toContain(token);
    expect(out.when).toBeInstanceOf(Date);
    expect(out.headers).toEqual({ authorization: REDACTED, "x-api-key": REDACTED });
    expect(out.password).toBe(REDACTED);
    expect(out.error).toBeInstanceOf(Error);
    expect((out.error as Error).message).toBe(`wrapped ${REDACTED}`);
    expect((out.error as Error).stack).not.toContain(token);
    expect(((out.error as Error).cause as Error).message).not.toContain(token);
    expect((out.error as { status: number }).status).toBe(401);
    expect(out.self).toBe(out);
    expect(value.password).toBe("pw");
  });
});

describe("redact: performance", () => {
  // Hostile and ordinary 1 MB inputs: a catastrophic pattern would take seconds here. The median
  // figure is measured by bench/redact.ts; this bound only catches super-linear behaviour.
  it.each([
    ["prose", "The quick brown fox jumps over the lazy dog. ".repeat(23_302)],
    ["scheme-like runs", "a-".repeat(524_288)],
    ["unterminated URLs", "http://a:".repeat(116_508)],
    ["near tokens", "ghp_short sk-ant- eyJhbGci.eyJ ".repeat(33_825)],
    ["json keys", '"password":"x", '.repeat(65_536)],
    ["pem starts", "-----BEGIN RSA PRIVATE KEY----- ".repeat(32_768)],
    ["authorization", "authorization: ".repeat(69_905)],
  ])("1 MB of %s", (_name, text) => {
    const redactor = createRedactor(secretsFromConfig(loadConfig({ ADMIN_API_KEY: "a".repeat(32) })));

    // Best of three: a busy CI core can stall one run; a backtracking pattern is slow every time.
    const runs = [0, 1, 2].map(() => {
      const started = performance.now();
      redactor.redact(text);
      return performance.now() - started;
    });
    const elapsed = Math.min(...runs);

    expect(text.length).toBeGreaterThan(1_000_000);
    expect(elapsed).toBeLessThan(250);
  });
});
