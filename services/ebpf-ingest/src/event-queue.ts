// Events from the node's own tracers go through the same ingest path as producers' events, in small
// batches. When JetStream is unreachable they wait and are retried (ids make a retry count once); the
// buffer is bounded, and what it had to drop is counted and logged rather than growing without limit.
import type { KnownKernelEventInput } from "@vigil/contracts";
import type { Logger } from "pino";
import { type Ingestor, IngestUnavailableError, type Transport } from "./ingest.js";

export interface EventQueueOptions {
  ingestor: Ingestor;
  log: Logger;
  maxBatch?: number;
  maxDelayMs?: number;
  maxBuffered?: number;
}

export class EventQueue {
  private readonly buffer: Array<{ event: KnownKernelEventInput; source: Transport }> = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private retryMs = 500;
  dropped = 0;

  constructor(private readonly o: EventQueueOptions) {}

  push(event: KnownKernelEventInput, source: "bpftrace" | "cgroup"): void {
    if (this.buffer.length >= (this.o.maxBuffered ?? 50_000)) {
      if (this.dropped++ % 1000 === 0)
        this.o.log.error(
          { dropped: this.dropped },
          "tracer events dropped: JetStream has been unreachable too long and the buffer is full",
        );
      return;
    }
    this.buffer.push({ event, source });
    if (this.buffer.length >= (this.o.maxBatch ?? 500)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.o.maxDelayMs ?? 20);
  }

  /** Sends what is buffered; at shutdown, one last attempt. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) return this.flushing;
    this.flushing = this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async send(): Promise<void> {
    const max = this.o.maxBatch ?? 500;
    while (this.buffer.length) {
      // The leading run of one source: each event keeps its own source, and new events only append.
      const source = this.buffer[0]!.source;
      let n = 1;
      while (n < max && n < this.buffer.length && this.buffer[n]!.source === source) n++;
      try {
        const result = await this.o.ingestor.ingest(
          this.buffer.slice(0, n).map((b) => b.event),
          source,
        );
        if (result.rejected.length) this.o.log.warn({ source, rejected: result.rejected.slice(0, 3) }, "tracer events rejected");
        this.retryMs = 500;
      } catch (err) {
        if (!(err instanceof IngestUnavailableError)) throw err;
        this.o.log.warn({ buffered: this.buffer.length, retryMs: this.retryMs }, "JetStream unreachable; tracer events wait");
        this.timer = setTimeout(() => void this.flush(), this.retryMs);
        this.retryMs = Math.min(30_000, this.retryMs * 2);
        return;
      }
      this.buffer.splice(0, n);
    }
  }
}
