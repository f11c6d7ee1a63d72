import type { ConsumerMessages, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { type MessageOf, type Topic, topics } from "@vigil/contracts";
import type { Logger } from "pino";
import { retryDelay } from "./backoff.js";
import { decodeMessage } from "./codec.js";
import { buildDeadLetter, type DeadLetterReason } from "./dead-letter.js";
import { errorMessage, isPermanent } from "./errors.js";
import type { BusMetrics } from "./metrics.js";
import type { JetStreamPublisher } from "./publisher.js";
import { encodeMessage } from "./codec.js";

export interface HandlerContext {
  subject: string;
  streamSequence: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
  headers: Readonly<Record<string, string>>;
  /** Child logger carrying the consumer, the message id and its correlation id. */
  log: Logger;
  /** Extends the ack deadline; the runner also calls it periodically while the handler runs. */
  working(): void;
  /** Aborted when shutdown outlives its deadline: long handlers should stop and let the message be redelivered. */
  signal: AbortSignal;
}

export interface ConsumerSpec<T extends Topic> {
  topic: T;
  /** Durable consumer name; also the dead-letter subject token (`vigil.dlq.<durable>`). */
  durable: string;
  /** Defaults to the topic's filter. */
  filterSubject?: string;
  handler(message: MessageOf<T>, ctx: HandlerContext): Promise<void>;
  /** Messages handled at once. Default 4. */
  concurrency?: number;
  /** Deliveries before a failing message is dead-lettered. Default 5. */
  maxDeliver?: number;
  /** Redelivery deadline when neither ack nor working() arrives. Default 30s. */
  ackWaitMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  deliverPolicy?: "all" | "new";
}

export interface ConsumerDeps {
  js: JetStreamClient;
  publisher: JetStreamPublisher;
  metrics: BusMetrics;
  log: Logger;
  /** term(reason) needs nats-server 2.11; older servers get a plain term. */
  termWithReason: boolean;
  /** Round trip to the server so acks written before stop() returns have reached it. */
  flush: () => Promise<void>;
}

/**
 * Runs a durable pull consumer: bounded concurrency, explicit acks, nak with backoff on transient
 * failures, dead-letter (then term) on invalid messages, permanent errors and exhausted deliveries.
 */
export class ConsumerRunner<T extends Topic> {
  private messages?: ConsumerMessages;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopping = false;
  private loop?: Promise<void>;
  private readonly log: Logger;

  constructor(
    private readonly spec: ConsumerSpec<T>,
    private readonly deps: ConsumerDeps,
  ) {
    this.log = deps.log.child({ consumer: spec.durable });
  }

  get concurrency(): number {
    return Math.max(1, this.spec.concurrency ?? 4);
  }
  get maxDeliver(): number {
    return Math.max(1, this.spec.maxDeliver ?? 5);
  }
  get ackWaitMs(): number {
    return this.spec.ackWaitMs ?? 30_000;
  }

  async start(): Promise<void> {
    const consumer = await this.deps.js.consumers.get(this.spec.topic.stream.name, this.spec.durable);
    this.loop = (async () => {
      while (!this.stopping) {
        // A small pull buffer keeps idle replicas from hoarding work and buffered messages from ageing.
        this.messages = await consumer.consume({ max_messages: Math.max(2, this.concurrency * 2) });
        await this.pump(this.messages);
        if (!this.stopping) {
          this.log.warn("consume loop ended unexpectedly; restarting in 1s");
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
    this.log.info({ concurrency: this.concurrency, maxDeliver: this.maxDeliver }, "consumer started");
  }

  /** Stop pulling, hand back buffered messages, and wait for in-flight handlers (aborting them at the deadline). */
  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.messages?.stop();
    const timer = setTimeout(() => this.abort.abort(new Error("shutdown deadline reached")), deadlineMs);
    await this.loop; // hands back what was pulled but not started
    await Promise.allSettled([...this.inFlight]);
    clearTimeout(timer);
    // Acks are fire-and-forget: without this a caller draining right after could drop the last ones.
    await this.deps.flush().catch((err: unknown) => this.log.warn({ err }, "could not flush acks on stop"));
    this.log.info("consumer stopped");
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    const slots: Array<() => void> = [];
    for await (const msg of messages) {
      while (this.inFlight.size >= this.concurrency) await new Promise<void>((r) => slots.push(r));
      if (this.stopping) {
        msg.nak(); // not started: let another replica take it now rather than after ack_wait
        continue;
      }
      const task = this.handle(msg).finally(() => {
        this.inFlight.delete(task);
        slots.shift()?.();
      });
      this.inFlight.add(task);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const { metrics } = this.deps;
    const durable = this.spec.durable;
    const deliveryCount = msg.info.deliveryCount;
    metrics.consumed.inc({ consumer: durable, subject: msg.subject });
    metrics.inFlight.inc({ consumer: durable });
    const end = metrics.handlerSeconds.startTimer({ consumer: durable });
    let log = this.log.child({ seq: msg.info.streamSequence, delivery: deliveryCount });
    let outcome = "ack";
    let correlationId: string | undefined;
    try {
      if (deliveryCount > this.maxDeliver) {
        // An earlier delivery never finished (crash, ack timeout): the limit is spent.
        outcome = "dead_letter";
        return await this.deadLetter(msg, "max_deliveries", `no result after ${deliveryCount - 1} deliveries (handler crashed or timed out)`, log);
      }
      let message: MessageOf<T>;
      try {
        message = decodeMessage(this.spec.topic.schema, msg.data) as MessageOf<T>;
      } catch (err) {
        outcome = "dead_letter";
        return await this.deadLetter(msg, "invalid_message", errorMessage(err), log);
      }
      const meta = message as { id?: string; correlationId?: string };
      correlationId = meta.correlationId;
      log = log.child({ msgId: meta.id, correlationId });
      const heartbeat = setInterval(() => msg.working(), Math.max(500, this.ackWaitMs / 2));
      try {
        await this.spec.handler(message, {
          subject: msg.subject,
          streamSequence: msg.info.streamSequence,
          deliveryCount,
          headers: headerRecord(msg),
          log,
          working: () => msg.working(),
          signal: this.abort.signal,
        });
      } finally {
        clearInterval(heartbeat);
      }
      msg.ack();
      metrics.acked.inc({ consumer: durable });
    } catch (err) {
      if (isPermanent(err)) {
        outcome = "dead_letter";
        return await this.deadLetter(msg, "permanent_error", errorMessage(err), log, correlationId);
      }
      if (deliveryCount >= this.maxDeliver) {
        outcome = "dead_letter";
        return await this.deadLetter(msg, "max_deliveries", errorMessage(err), log, correlationId);
      }
      outcome = "nak";
      const hinted = (err as { retryAfterMs?: number }).retryAfterMs;
      const delay = hinted ?? retryDelay(deliveryCount, { baseMs: this.spec.retryBaseMs ?? 1000, maxMs: this.spec.retryMaxMs ?? 60_000 });
      log.warn({ err, retryInMs: delay }, "handler failed; will retry");
      msg.nak(delay);
      metrics.nacked.inc({ consumer: durable });
    } finally {
      metrics.inFlight.dec({ consumer: durable });
      end({ outcome });
    }
  }

  private async deadLetter(msg: JsMsg, reason: DeadLetterReason, error: string, log: Logger, correlationId?: string): Promise<void> {
    const record = buildDeadLetter(msg, this.spec.durable, reason, error, correlationId);
    try {
      const { value, data } = encodeMessage(topics.deadLetters.schema, record);
      await this.deps.publisher.publish(topics.deadLetters.subjectOf(value), data, { msgId: value.id });
    } catch (err) {
      // Keep the original rather than lose it: it comes back and dead-lettering is tried again.
      log.error({ err, reason }, "dead-lettering failed; message will be redelivered");
      msg.nak(5000);
      this.deps.metrics.nacked.inc({ consumer: this.spec.durable });
      return;
    }
    if (this.deps.termWithReason) msg.term(`${reason}: ${error}`.slice(0, 200));
    else msg.term();
    this.deps.metrics.deadLettered.inc({ consumer: this.spec.durable, reason });
    log.error({ reason, error, dlq: topics.deadLetters.subjectOf(record) }, "message dead-lettered");
  }
}

function headerRecord(msg: JsMsg): Record<string, string> {
  const out: Record<string, string> = {};
  if (msg.headers) for (const [k, v] of msg.headers) out[k] = v.join(",");
  return out;
}
