import { createHmac, randomUUID } from "node:crypto";
import { request } from "node:http";
import { readJsonFromStdin } from "./json-child.ts";

/**
 * Sends a burst of signed webhook deliveries from its own process (so the sender never shares the
 * server's event loop): every body is serialized and signed first, then all are sent, each on its
 * own connection as GitHub's deliveries arrive: at once (`spreadMs` 0), or delivery i at
 * start + i × spreadMs / count. Reads {url, secret, event, payloads, spreadMs} as JSON on stdin;
 * writes [{status, ms, deliveryId}] on stdout, `ms` counted from each delivery's scheduled time.
 */
interface BurstInput {
  readonly url: string;
  readonly secret: string;
  readonly event: string;
  readonly payloads: readonly unknown[];
  readonly spreadMs?: number;
}

const input = await readJsonFromStdin<BurstInput>();
const url = new URL(input.url);
if (url.hostname !== "127.0.0.1") throw new Error("bursts are for 127.0.0.1 only");
const prepared = input.payloads.map((payload) => {
  const body = Buffer.from(JSON.stringify(payload));
  return {
    body,
    deliveryId: randomUUID(),
    signature: `sha256=${createHmac("sha256", input.secret).update(body).digest("hex")}`,
  };
});

const spreadMs = input.spreadMs ?? 0;
const started = performance.now();
const results = await Promise.all(
  prepared.map(
    ({ body, deliveryId, signature }, index) =>
      new Promise<{ status: number; ms: number; deliveryId: string }>((resolve) => {
        const due = started + (index * spreadMs) / prepared.length;
        const done = (status: number) => resolve({ status, ms: performance.now() - due, deliveryId });
        const send = () => {
          const req = request(
            url,
            {
              method: "POST",
              agent: false,
              headers: {
                "content-type": "application/json",
                "content-length": String(body.length),
                "x-github-event": input.event,
                "x-github-delivery": deliveryId,
                "x-hub-signature-256": signature,
                "user-agent": "GitHub-Hookshot/bench",
              },
            },
            (res) => {
              res.resume();
              res.on("end", () => done(res.statusCode ?? 0));
              res.on("error", () => done(0));
            },
          );
          req.on("error", () => done(0));
          req.end(body);
        };
        if (spreadMs === 0) send();
        else setTimeout(send, due - performance.now());
      }),
  ),
);
process.stdout.write(JSON.stringify(results));
