// Server-Sent Events fan-out: each client gets only new items (or, resuming with Last-Event-ID, what it missed
// that is still in the window), with `id:` and `event:` fields and heartbeat comments so proxies keep the
// connection open. A client that stops reading is dropped rather than buffered without bound.
import type { Response } from "express";
import type { Logger } from "pino";
import type { RingEntry } from "@vigil/bus";
import type { CollectorMetrics } from "./metrics.js";

export interface SseHubOptions {
  heartbeatMs: number;
  /** Bytes a slow client may have queued before it is disconnected. */
  maxBufferedBytes: number;
  /** Milliseconds an EventSource waits before reconnecting (the `retry:` field). */
  retryMs?: number;
  metrics: CollectorMetrics;
  log: Logger;
}

interface Client {
  res: Response;
  scope: string;
}

export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly opts: SseHubOptions) {
    this.heartbeat = setInterval(() => this.beat(), opts.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Opens the stream on `res`, replays `backlog` (items the client missed), then keeps it for broadcasts. */
  open(res: Response, scope: string, event: string, backlog: RingEntry<string>[]): void {
    res.status(200).set({
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no", // nginx would otherwise buffer the stream
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const client: Client = { res, scope };
    this.clients.add(client);
    this.opts.metrics.sseClients.inc({ scope });
    res.on("close", () => this.remove(client));
    this.write(client, `retry: ${this.opts.retryMs ?? 3000}\n: connected, scope=${scope}\n\n`);
    for (const e of backlog) this.write(client, frame(e.id, event, e.value));
  }

  broadcast(scope: string, event: string, entry: RingEntry<string>): void {
    let text: string | undefined;
    for (const c of this.clients) {
      if (c.scope !== scope) continue;
      text ??= frame(entry.id, event, entry.value);
      this.write(c, text);
      this.opts.metrics.sseEvents.inc({ scope });
    }
  }

  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream (at shutdown, so server.close can finish). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const c of [...this.clients]) {
      c.res.end();
      this.remove(c);
    }
  }

  private beat(): void {
    const text = `: heartbeat ${new Date().toISOString()}\n\n`;
    for (const c of this.clients) this.write(c, text);
  }

  private write(c: Client, text: string): void {
    if (c.res.writableLength > this.opts.maxBufferedBytes) {
      this.opts.log.warn({ scope: c.scope, bufferedBytes: c.res.writableLength }, "SSE client is not reading; disconnecting it");
      this.opts.metrics.sseDropped.inc({ scope: c.scope });
      c.res.destroy();
      this.remove(c);
      return;
    }
    c.res.write(text);
  }

  private remove(c: Client): void {
    if (this.clients.delete(c)) this.opts.metrics.sseClients.dec({ scope: c.scope });
  }
}

/** `json` is one line of JSON text (JSON.stringify never emits a raw newline), so one `data:` field suffices. */
const frame = (id: number, event: string, json: string): string => `id: ${id}\nevent: ${event}\ndata: ${json}\n\n`;
