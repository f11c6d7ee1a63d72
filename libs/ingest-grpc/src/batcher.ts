// Turns one Send stream into handler calls: events are grouped into batches (one bus round trip per batch
// instead of per event), a few batches are with the handler at a time (so validating the next batch overlaps
// waiting for JetStream's acks of the previous one), and the stream is only read while there is room, so a
// slow handler slows the client (HTTP/2 flow control) instead of filling memory.
import type { IngestResult } from "./handler.js";
import type { Ack, EventError } from "./types.js";

export interface BatchOptions {
  /** A batch goes to the handler when it holds this many events. Default 500. */
  maxEvents?: number;
  /** ...or when its first event has waited this long and the handler is free. Default 50 ms. */
  maxDelayMs?: number;
  /** Rejections listed in the Ack (all are counted). Default 1000, which keeps the Ack well under 1 MiB. */
  maxErrors?: number;
  /** Batches with the handler at once. Default 4; the handler is called in stream order. */
  maxInFlight?: number;
}

export const DEFAULT_BATCH = { maxEvents: 500, maxDelayMs: 50, maxErrors: 1000, maxInFlight: 4 } as const;

/**
 * Buffer: at most maxEvents pending plus the batches the handler has. Events keep their stream order: batches
 * are handed on in order, and rejection indexes are shifted from batch-relative to stream-relative.
 */
export class StreamBatcher {
  private readonly maxEvents: number;
  private readonly maxDelayMs: number;
  private readonly maxErrors: number;
  private readonly maxInFlight: number;
  private pending: Record<string, unknown>[] = [];
  /** Stream index of pending[0]. */
  private offset = 0;
  /** Batches with the handler; each always resolves (a failure is recorded in `failure`). */
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private failure: { error: unknown } | undefined;
  private aborted = false;
  private readonly ack: Ack = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };

  constructor(
    private readonly dispatch: (batch: Record<string, unknown>[]) => Promise<IngestResult>,
    /** Called once, at the first handler failure; nothing is dispatched after it. */
    private readonly onFailure: (error: unknown) => void,
    options: BatchOptions = {},
  ) {
    this.maxEvents = Math.max(1, options.maxEvents ?? DEFAULT_BATCH.maxEvents);
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_BATCH.maxDelayMs;
    this.maxErrors = options.maxErrors ?? DEFAULT_BATCH.maxErrors;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_BATCH.maxInFlight);
  }

  private get full(): boolean {
    return this.running.size >= this.maxInFlight;
  }

  /** Events received so far (handed on or pending). */
  get received(): number {
    return this.offset + this.pending.length;
  }

  /** Events the handler has answered for: accepted, duplicate or rejected. */
  get settled(): number {
    return this.ack.accepted + this.ack.duplicates + this.ack.rejected;
  }

  /**
   * Adds one event. Returns a promise when the caller must stop reading until it resolves: the batch is full
   * and the handler still has the previous one.
   */
  push(input: Record<string, unknown>): Promise<void> | undefined {
    if (this.failure || this.aborted) return undefined;
    this.pending.push(input);
    if (this.pending.length < this.maxEvents) {
      if (!this.timer && !this.full) this.timer = setTimeout(this.onTimer, this.maxDelayMs);
      return undefined;
    }
    if (!this.full) {
      this.start();
      return undefined;
    }
    // Resolves once a running batch is settled, by which time this full one has been started.
    return Promise.race(this.running);
  }

  /** The stream ended: hands on what is pending, waits for the handler and returns the totals. */
  async end(): Promise<Ack> {
    this.clearTimer();
    while (!this.failure && !this.aborted && (this.running.size > 0 || this.pending.length > 0)) {
      if (this.pending.length > 0 && !this.full) this.start();
      else await Promise.race(this.running);
    }
    // Batches may settle out of order; the Ack lists errors in stream order.
    this.ack.errors.sort((a, b) => a.index - b.index);
    if (this.failure) throw this.failure.error;
    return this.ack;
  }

  /** The client went away: drop what is pending (it had no Ack, so it will send again) and stop dispatching. */
  abort(): void {
    this.aborted = true;
    this.clearTimer();
    this.pending = [];
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (!this.full && this.pending.length > 0) this.start();
  };

  private start(): void {
    this.clearTimer();
    const batch = this.pending;
    const base = this.offset;
    this.pending = [];
    this.offset += batch.length;
    // Promise.resolve().then: a handler that throws synchronously fails the same way as one that rejects.
    const run: Promise<void> = Promise.resolve()
      .then(() => this.dispatch(batch))
      .then(
        (result) => this.merge(result, base),
        (error: unknown) => {
          if (!this.failure) {
            this.failure = { error };
            this.onFailure(error);
          }
          this.pending = [];
        },
      )
      .then(() => {
        this.running.delete(run);
        // Whatever arrived meanwhile has waited for as long as the handler took: send it now.
        if (!this.failure && !this.aborted && this.pending.length > 0 && !this.full) this.start();
      });
    this.running.add(run);
  }

  private merge(result: IngestResult, base: number): void {
    this.ack.accepted += result.accepted;
    this.ack.duplicates += result.duplicates;
    this.ack.rejected += result.rejected.length;
    for (const r of result.rejected) {
      if (this.ack.errors.length >= this.maxErrors) break;
      this.ack.errors.push({ index: base + r.index, message: r.message } satisfies EventError);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
