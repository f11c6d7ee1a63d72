// A windowed, read-only view of a topic's stream: the messages stored in the last `windowMs` at start, then
// every new one, in stream order. Readers that keep their own time windows in memory (the collector's history,
// the analyzer's node telemetry) use it instead of a durable consumer: nothing is acknowledged and nothing
// survives the process, because after a restart the window is simply read again from JetStream.
//
// It is an ordered consumer (ephemeral, no acks, flow-controlled). When it is lost (deleted, NATS restarted,
// stream gone) or ends, this feed creates a new one from the last sequence it delivered, with backoff, so no
// message is lost or delivered twice. Messages that do not match the topic's schema are skipped and reported, never delivered.
import { type ConsumerMessages, DeliverPolicy, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import { backoffDelay, type MessageOf, type Topic } from "@vigil/contracts";
import type { Logger } from "pino";
import { decodeMessage } from "./codec.js";

export interface StreamFeedMessageMeta {
  /** Stream sequence: increasing, unique within the stream (a resume point, an SSE id). */
  seq: number;
  subject: string;
  /** When JetStream stored it (the server's wall clock, epoch ms). */
  storedAt: number;
}

export interface StreamFeedOptions<T extends Topic> {
  js: JetStreamClient;
  topic: T;
  /** Subjects to read within the topic's stream (one node's: `vigil.events.kernel.<node>.>`); the topic's filter by default. */
  filter?: string;
  /** How far back to start, by stored time, and how old a message may be and still be delivered. */
  windowMs: number;
  log: Logger;
  onMessage(message: MessageOf<T>, meta: StreamFeedMessageMeta): void;
  /** A message that failed the schema (already logged at warn): count it. */
  onInvalid?(meta: StreamFeedMessageMeta & { error: string }): void;
  /** Delay before re-creating a consumer that ended; failures back off up to `maxMs`. */
  recreateBackoff?: { baseMs: number; maxMs: number };
  /** Messages pulled per batch (default 256). */
  batch?: number;
  /**
   * How long one pull waits (default 10 s, the client's minimum is 1 s). Heartbeats come every half of it, and
   * two missed ones make the client re-create the consumer: a lost consumer is noticed within this time.
   */
  pullExpiresMs?: number;
  /** Wall clock for the window's start (JetStream's stored times are the server's wall clock); tests may pin it. */
  now?: () => number;
}

// The shared retry formula, with its jitter: every node's reader re-creating at once would otherwise retry in step.
const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 30_000 };
// Client notifications meaning the server-side consumer is gone (deleted, NATS restarted: ordered consumers live in memory).
const CONSUMER_LOST = new Set(["consumer_deleted", "consumer_not_found", "stream_not_found", "heartbeats_missed"]);

export class StreamFeed<T extends Topic> {
  private lastSeqSeen = 0;
  private stopped = false;
  private current?: { stop(): void };
  private loop?: Promise<void>;
  private readonly wake = new AbortController();
  private caughtUpFlag = false;
  private delivered = 0;
  private skipped = 0;
  private consumersCreated = 0;

  constructor(private readonly opts: StreamFeedOptions<T>) {}

  /** The subjects read. */
  get filter(): string {
    return this.opts.filter ?? this.opts.topic.filter;
  }

  /** True once everything stored in the window at start (or at the first successful consumer) was delivered. */
  get caughtUp(): boolean {
    return this.caughtUpFlag;
  }

  /** The last stream sequence read (0 before the first message). */
  get lastSeq(): number {
    return this.lastSeqSeen;
  }

  /** Counters for readiness and tests. */
  stats(): { delivered: number; skipped: number; consumersCreated: number; lastSeq: number; caughtUp: boolean } {
    return {
      delivered: this.delivered,
      skipped: this.skipped,
      consumersCreated: this.consumersCreated,
      lastSeq: this.lastSeqSeen,
      caughtUp: this.caughtUpFlag,
    };
  }

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    this.current?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.consumeOnce();
        failures = 0;
      } catch (err) {
        failures++;
        this.opts.log.warn(
          { err, failures, lastSeq: this.lastSeqSeen, stream: this.opts.topic.stream.name, filter: this.filter },
          "stream feed consumer failed; re-creating it",
        );
      }
      // failures + 1: a consumer that ended cleanly is re-created after the base delay, a failing one backs off.
      if (!this.stopped) await abortableSleep(backoffDelay(failures + 1, this.opts.recreateBackoff ?? DEFAULT_BACKOFF), this.wake.signal);
    }
  }

  private windowStart(): number {
    return (this.opts.now ?? Date.now)() - this.opts.windowMs;
  }

  private async startPosition(): Promise<{ deliver_policy: DeliverPolicy; opt_start_seq?: number; opt_start_time?: string }> {
    if (this.lastSeqSeen > 0) {
      // A stream that came back empty (NATS lost its store) restarts its sequences: resuming after our last one
      // would skip everything new, so read the window again instead.
      const info = await (await this.opts.js.streams.get(this.opts.topic.stream.name)).info(true);
      if (info.state.last_seq >= this.lastSeqSeen)
        return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastSeqSeen + 1 };
      this.opts.log.warn(
        { stream: this.opts.topic.stream.name, lastSeq: this.lastSeqSeen, streamLastSeq: info.state.last_seq },
        "stream was reset; reading the window again",
      );
      this.lastSeqSeen = 0;
    }
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(this.windowStart()).toISOString() };
  }

  private async consumeOnce(): Promise<void> {
    const consumer = await this.opts.js.consumers.get(this.opts.topic.stream.name, {
      filter_subjects: this.filter,
      ...(await this.startPosition()),
    });
    this.consumersCreated++;
    // Nothing pending when the consumer was created: the window was empty, we are caught up already.
    if ((await consumer.info(true)).num_pending === 0) this.caughtUpFlag = true;
    const messages = await consumer.consume({ max_messages: this.opts.batch ?? 256, expires: this.opts.pullExpiresMs ?? 10_000 });
    this.current = messages;
    if (this.stopped) messages.stop();
    void this.endWhenLost(messages);
    for await (const m of messages) this.handle(m);
    consumer.delete().catch(() => undefined); // ephemeral anyway; this only frees it sooner
  }

  /**
   * Ends the iteration when the consumer is gone, so `run` creates a new one from the last sequence. The client
   * would re-create it by itself, but from the original config: a consumer that started by time then carries both
   * a start time and a start sequence, which the server refuses, and it retries that forever.
   */
  private async endWhenLost(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (CONSUMER_LOST.has(s.type)) {
        this.opts.log.info({ status: s.type, lastSeq: this.lastSeqSeen, filter: this.filter }, "stream feed consumer lost; re-creating it");
        messages.stop();
        return;
      }
    }
  }

  private handle(m: JsMsg): void {
    if (m.seq <= this.lastSeqSeen) return; // a redelivery across consumers: already handled
    this.lastSeqSeen = m.seq;
    if (m.info.pending === 0) this.caughtUpFlag = true;
    const meta: StreamFeedMessageMeta = { seq: m.seq, subject: m.subject, storedAt: m.time.getTime() };
    // A consumer resumed by sequence may start before the window: such messages are history, not window.
    if (meta.storedAt < this.windowStart()) return;
    let message: MessageOf<T>;
    try {
      message = decodeMessage(this.opts.topic.schema, m.data) as MessageOf<T>;
    } catch (err) {
      this.skipped++;
      const error = (err as Error).message;
      this.opts.log.warn({ subject: m.subject, seq: m.seq, err: error }, `skipping an invalid ${this.opts.topic.name} message`);
      this.opts.onInvalid?.({ ...meta, error });
      return;
    }
    this.delivered++;
    try {
      this.opts.onMessage(message, meta);
    } catch (err) {
      // The reader's bug, not the stream's: re-creating the consumer would only meet the same message again.
      this.opts.log.error({ err, subject: m.subject, seq: m.seq }, `a ${this.opts.topic.name} reader threw; message skipped`);
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
