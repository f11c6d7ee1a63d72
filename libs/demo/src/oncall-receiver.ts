// The on-call engineer's pager, played by the demo: the executor's generic webhook sink (EXECUTOR_NOTIFY_SINKS)
// points here, so escalations, blocked actions and approval requests reach "a human" and show up in the live view
// under their incident, as they would in Slack or PagerDuty.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/** The part of the executor's webhook body (payload version 1) the demo shows. */
const notification = z.object({
  kind: z.string(),
  title: z.string(),
  text: z.string().default(""),
  correlationId: z.string(),
  executionId: z.string().optional(),
});
export type OnCallNotification = z.infer<typeof notification>;

export interface OnCallReceiver {
  /** The sink list for EXECUTOR_NOTIFY_SINKS. */
  sinks: string;
  received: OnCallNotification[];
  close(): Promise<void>;
}

export async function startOnCallReceiver(onNotification: (n: OnCallNotification) => void): Promise<OnCallReceiver> {
  const received: OnCallNotification[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      let parsed: ReturnType<typeof notification.safeParse> | undefined;
      try {
        parsed = notification.safeParse(JSON.parse(body));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        res.writeHead(400).end("expected the executor's webhook notification (version 1)");
        return;
      }
      received.push(parsed.data);
      onNotification(parsed.data);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    sinks: JSON.stringify([{ name: "demo-oncall", type: "webhook", url: `http://127.0.0.1:${port}/notify`, maxAttempts: 1 }]),
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
