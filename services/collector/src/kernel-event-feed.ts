// This node's kernel events (published by ebpf-ingest or any producer) read back from JetStream with an
// ordered consumer: the last window at start, then live. The stream sequence is the event's id, so SSE clients
// resume exactly, across collector restarts too. A broken consumer is re-created from the last sequence seen.
import { DeliverPolicy, type JetStreamClient } from "@nats-io/jetstream";
import { decodeMessage } from "@vigil/bus";
import { backoffDelay, type KernelEventMessage, kernelEventMessage, streams, subjectToken } from "@vigil/contracts";
import type { Logger } from "pino";
import type { CollectorMetrics } from "./metrics.js";

// The shared retry formula, with its jitter: every node's collector re-creating at once would otherwise retry in step.
const RECREATE_BACKOFF = { baseMs: 500, maxMs: 30_000 };

export interface KernelEventFeedOptions {
  js: JetStreamClient;
  node: string;
  windowMs: number;
  log: Logger;
  metrics: CollectorMetrics;
  onEvent(seq: number, at: number, event: KernelEventMessage): void;
}

export class KernelEventFeed {
  private lastSeq = 0;
  private stopped = false;
  private current?: { stop(): void };
  private loop?: Promise<void>;
  /** True once the consumer exists and has delivered everything that was pending at start. */
  caughtUp = false;

  constructor(private readonly opts: KernelEventFeedOptions) {}

  get subject(): string {
    return `vigil.events.kernel.${subjectToken(this.opts.node)}.>`;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
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
        this.opts.log.warn({ err, failures, lastSeq: this.lastSeq }, "kernel event consumer failed; re-creating it");
      }
      // failures + 1: a consumer that ended cleanly is re-created after the base delay, a failing one backs off.
      if (!this.stopped) await sleep(backoffDelay(failures + 1, RECREATE_BACKOFF));
    }
  }

  private async consumeOnce(): Promise<void> {
    const { js, windowMs, log, metrics } = this.opts;
    const from =
      this.lastSeq > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastSeq + 1 }
        : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(Date.now() - windowMs).toISOString() };
    const consumer = await js.consumers.get(streams.kernelEvents.name, { filter_subjects: this.subject, ...from });
    const messages = await consumer.consume({ max_messages: 256 });
    this.current = messages;
    if (this.stopped) messages.stop();
    for await (const m of messages) {
      this.lastSeq = m.seq;
      if (m.info.pending === 0) this.caughtUp = true;
      let event: KernelEventMessage;
      try {
        event = decodeMessage(kernelEventMessage, m.data);
      } catch (err) {
        metrics.kernelEventsInvalid.inc();
        log.warn({ subject: m.subject, seq: m.seq, err: (err as Error).message }, "skipping an invalid kernel event");
        continue;
      }
      metrics.kernelEvents.inc({ type: event.type });
      const at = Date.parse(event.observedAt);
      this.opts.onEvent(m.seq, Number.isFinite(at) ? at : m.time.getTime(), event);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref?.());
