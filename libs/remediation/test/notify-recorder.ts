// A real local HTTP server standing in for a notification receiver (a webhook endpoint, Slack's incoming
// webhook): it records every request (headers, JSON body, arrival time) and answers as the test scripts it,
// attempt by attempt: a status and body, extra headers (Retry-After), or no answer at all (a hung receiver).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** performance.now() at arrival. */
  at: number;
}

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";

export interface Recorder {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** `answer(n)` scripts the n-th request (1-based); 200 "ok" (Slack's answer) when absent. */
export async function startRecorder(answer: (n: number) => Answer = () => ({ status: 200, body: "ok" })): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Recorded as text.
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, at: performance.now() });
      const a = answer(requests.length);
      if (a === "hang") return;
      res.writeHead(a.status, { "content-type": "text/plain", ...a.headers });
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
