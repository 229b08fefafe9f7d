import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A test double for GitHub's OAuth web flow and the few REST calls sign-in makes, served over HTTP
 * (the app reaches it through GHE_HOST). It grants one user access to the given repositories.
 */
export interface FakeGitHubOAuth {
  host: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

const CODE = "code-from-fake-github";
const TOKEN = "ghu_fake_user_token_0123456789abcdef";

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    request.on("data", (chunk: Buffer) => (data += chunk.toString()));
    request.on("end", () => resolve(data));
  });
}

export async function startFakeGitHubOAuth(login: string, repositories: string[]): Promise<FakeGitHubOAuth> {
  const clientId = "Iv1.fakeclientid";
  const clientSecret = "fake-client-secret-0123456789";
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://fake");
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(value));
      };
      if (url.pathname === "/login/oauth/authorize") {
        if (url.searchParams.get("client_id") !== clientId) return json(400, { error: "bad client" });
        const back = new URL(url.searchParams.get("redirect_uri")!);
        back.searchParams.set("code", CODE);
        back.searchParams.set("state", url.searchParams.get("state")!);
        response.writeHead(302, { location: back.toString() });
        return response.end();
      }
      if (url.pathname === "/login/oauth/access_token" && request.method === "POST") {
        const sent = JSON.parse(await body(request)) as Record<string, string>;
        const ok = sent.client_id === clientId && sent.client_secret === clientSecret && sent.code === CODE;
        return json(
          200,
          ok ? { access_token: TOKEN, token_type: "bearer" } : { error: "bad_verification_code" },
        );
      }
      if (request.headers.authorization !== `Bearer ${TOKEN}`)
        return json(401, { message: "Bad credentials" });
      if (url.pathname === "/api/v3/user") return json(200, { login });
      if (url.pathname === "/api/v3/user/installations") return json(200, { installations: [{ id: 7 }] });
      if (url.pathname === "/api/v3/user/installations/7/repositories") {
        return json(200, { repositories: repositories.map((full_name) => ({ full_name })) });
      }
      return json(404, { message: "Not Found" });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    clientId,
    clientSecret,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
