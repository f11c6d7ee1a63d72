// Turns one Send stream into handler calls: events are grouped into batches (one bus round trip per batch
// instead of per event), at most one batch is with the handler at a time, and the stream is only read while
// the next batch has room, so a slow handler slows the client (HTTP/2 flow control) instead of filling memory.
import type { Ack, EventError, IngestResult } from "./types.js";

export interface BatchOptions {
  /** A batch goes to the handler when it holds this many events. Default 500. */
  maxEvents?: number;
  /** ...or when its first event has waited this long and the handler is free. Default 50 ms. */
  maxDelayMs?: number;
  /** Rejections listed in the Ack (all are counted). Default 1000, which keeps the Ack well under 1 MiB. */
  maxErrors?: number;
}

export const DEFAULT_BATCH = { maxEvents: 500, maxDelayMs: 50, maxErrors: 1000 } as const;

/**
 * Buffer: at most maxEvents pending plus the batch the handler has. Events keep their stream order: batches
 * go out one after the other, and rejection indexes are shifted from batch-relative to stream-relative.
 */
export class StreamBatcher {
  private readonly maxEvents: number;
  private readonly maxDelayMs: number;
  private readonly maxErrors: number;
  private pending: Record<string, unknown>[] = [];
  /** Stream index of pending[0]. */
  private offset = 0;
  /** The batch with the handler; always resolves (a failure is recorded in `failure`). */
  private running: Promise<void> | undefined;
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
      if (!this.timer && !this.running) this.timer = setTimeout(this.onTimer, this.maxDelayMs);
      return undefined;
    }
    if (!this.running) {
      this.start();
      return undefined;
    }
    // Resolves after the running batch is settled, by which time this full one has been started.
    return this.running;
  }

  /** The stream ended: hands on what is pending, waits for the handler and returns the totals. */
  async end(): Promise<Ack> {
    this.clearTimer();
    while (!this.failure && !this.aborted && (this.running || this.pending.length > 0)) {
      if (!this.running) this.start();
      await this.running;
    }
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
    if (!this.running && this.pending.length > 0) this.start();
  };

  private start(): void {
    this.clearTimer();
    const batch = this.pending;
    const base = this.offset;
    this.pending = [];
    this.offset += batch.length;
    // Promise.resolve().then: a handler that throws synchronously fails the same way as one that rejects.
    this.running = Promise.resolve()
      .then(() => this.dispatch(batch))
      .then(
        (result) => this.merge(result, base),
        (error: unknown) => {
          this.failure = { error };
          this.pending = [];
          this.onFailure(error);
        },
      )
      .then(() => {
        this.running = undefined;
        // Whatever arrived meanwhile has waited for as long as the handler took: send it now.
        if (!this.failure && !this.aborted && this.pending.length > 0) this.start();
      });
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
