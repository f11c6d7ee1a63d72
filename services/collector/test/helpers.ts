import { request } from "node:http";
import { startTestService, type TestService } from "@vigil/service/testing";
import { collectorService } from "../src/index.js";

export type Collector = TestService;

/** Starts the real collector in-process on a free port against the given NATS, sampling this machine. */
export const startCollector = (natsUrl: string, env: Record<string, string> = {}): Promise<Collector> =>
  startTestService(collectorService, natsUrl, {
    NODE_NAME: "node-a",
    COLLECTOR_SAMPLE_INTERVAL: "200ms",
    COLLECTOR_CRI_ENDPOINT: "none",
    ...env,
  });

export interface SseFrame {
  id?: string;
  event?: string;
  data: string;
}

/** A raw SSE client: frames as they arrive, comments counted, so tests see exactly what the wire carries. */
export class SseClient {
  readonly frames: SseFrame[] = [];
  comments = 0;
  status = 0;
  headers: Record<string, string | string[] | undefined> = {};
  private closeFn?: () => void;

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { Accept: "text/event-stream", ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding("utf8");
        let buf = "";
        res.on("data", (chunk: string) => {
          buf += chunk;
          let end: number;
          while ((end = buf.indexOf("\n\n")) >= 0) {
            client.parse(buf.slice(0, end));
            buf = buf.slice(end + 2);
          }
        });
        res.on("error", () => {});
        resolve(client);
      });
      client.closeFn = () => req.destroy();
      req.on("error", reject);
      req.end();
    });
  }

  private parse(block: string): void {
    const frame: SseFrame = { data: "" };
    let hasData = false;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments++;
      else if (line.startsWith("id: ")) frame.id = line.slice(4);
      else if (line.startsWith("event: ")) frame.event = line.slice(7);
      else if (line.startsWith("data: ")) {
        frame.data += line.slice(6);
        hasData = true;
      }
    }
    if (hasData) this.frames.push(frame);
  }

  close(): void {
    this.closeFn?.();
  }
}
