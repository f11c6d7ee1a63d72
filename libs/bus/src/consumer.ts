import type { JsMsg } from "@nats-io/jetstream";
import { backoffDelay, type MessageOf, type Topic } from "@vigil/contracts";
import type { Logger } from "pino";
import { decodeMessage } from "./codec.js";
import { runWithDeadline } from "./deadline.js";
import { deadLetter, type DeadLetterDeps, type DeadLetterReason } from "./dead-letter.js";
import { type ConsumerHealth, DurableLoop, type DurableLoopDeps } from "./durable-loop.js";
import { errorMessage, HandlerTimeoutError, settlementOf } from "./errors.js";
import { type BoundOnce, bindOnce, type OnceRunner } from "./idempotency.js";
import type { StartPosition } from "./provision.js";

export interface HandlerContext {
  subject: string;
  streamSequence: number;
  /** 1 on the first delivery. */
  deliveryCount: number;
  /** The message's id (also its `Nats-Msg-Id`). */
  messageId: string;
  headers: Readonly<Record<string, string>>;
  /** Child logger carrying the consumer, the message id and its correlation id. */
  log: Logger;
  /** Extends the ack deadline; the runner also calls it periodically until the handler deadline. */
  working(): void;
  /**
   * Aborted at the handler deadline (reason: HandlerTimeoutError) or when shutdown outlives its deadline:
   * long handlers should stop, the message is redelivered.
   */
  signal: AbortSignal;
  /**
   * Runs a side effect once per message id across redeliveries, replicas and restarts, and hands later
   * deliveries the result of the first (JSON round-tripped). `key` tells several effects of one message
   * apart. See `Idempotency.once` for the guarantee and its limit.
   */
  once: BoundOnce;
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
  /** A handler still running after this long is given up on: its signal aborts, the message is nak'd. Default 5 min. */
  handlerTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Where a durable created for the first time starts. Default "new": no replay of history. */
  deliverPolicy?: StartPosition;
  /** Messages pulled ahead of the handlers. Default: concurrency × 4 within 16..64 (see `pullBatchFor`: lower it for slow handlers). */
  pullBatch?: number;
}

export interface ConsumerDeps extends Omit<DurableLoopDeps, "log">, DeadLetterDeps {
  log: Logger;
  once: OnceRunner;
}

/** setTimeout's ceiling: a longer delay fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration option: a positive number of milliseconds a timer can hold. */
export function checkDuration(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS)
    throw new Error(`${name} must be between 1 and ${MAX_TIMER_MS} ms, got ${value}`);
  return value;
}

/**
 * Messages pulled ahead of the handlers. Enough that a fast handler never waits on a pull round trip
 * (16 and more: ~17k msg/s through one durable on the reference machine, against ~13k for 8), few enough
 * that a pulled message does not wait past its ack deadline for a slot: with concurrency 4 the last of 16
 * starts after 4 handler durations, so handlers averaging more than ackWait / 4 (7.5 s by default) should
 * set `pullBatch` to their concurrency, or raise `ackWaitMs`.
 */
export const pullBatchFor = (concurrency: number): number => Math.min(64, Math.max(16, concurrency * 4));

/**
 * Runs a durable pull consumer: bounded concurrency, explicit acks, a deadline per handler, nak with
 * backoff on transient failures, dead-letter (then term) on invalid messages, permanent errors and
 * exhausted deliveries. The pull itself (and re-creating a lost durable) is DurableLoop's.
 */
export class ConsumerRunner<T extends Topic> {
  readonly loop: DurableLoop;
  private readonly log: Logger;
  private readonly abandoned: { inc(): void; dec(): void };
  readonly concurrency: number;
  readonly maxDeliver: number;
  readonly ackWaitMs: number;
  readonly handlerTimeoutMs: number;

  constructor(
    private readonly spec: ConsumerSpec<T>,
    private readonly deps: ConsumerDeps,
  ) {
    this.abandoned = deps.metrics.abandonedHandlers.labels({ consumer: spec.durable });
    this.log = deps.log.child({ consumer: spec.durable });
    this.concurrency = Math.max(1, spec.concurrency ?? 4);
    this.maxDeliver = Math.max(1, spec.maxDeliver ?? 5);
    this.ackWaitMs = checkDuration("ackWaitMs", spec.ackWaitMs ?? 30_000);
    this.handlerTimeoutMs = checkDuration("handlerTimeoutMs", spec.handlerTimeoutMs ?? 5 * 60_000);
    this.loop = new DurableLoop(
      {
        stream: spec.topic.stream,
        durable: spec.durable,
        filterSubject: spec.filterSubject ?? spec.topic.filter,
        ackWaitMs: this.ackWaitMs,
        maxAckPending: Math.max(64, this.concurrency * 4),
        startPosition: spec.deliverPolicy ?? "new",
        concurrency: this.concurrency,
        pullBatch: spec.pullBatch ?? pullBatchFor(this.concurrency),
        process: (msg) => this.handle(msg),
      },
      { ...deps, log: this.log },
    );
  }

  async start(): Promise<void> {
    await this.loop.start();
    this.log.info(
      { concurrency: this.concurrency, maxDeliver: this.maxDeliver, handlerTimeoutMs: this.handlerTimeoutMs },
      "consumer started",
    );
  }

  /** Stop pulling, hand back buffered messages, and wait for in-flight handlers (given up on at the deadline). */
  stop(deadlineMs = 10_000): Promise<void> {
    return this.loop.stop(deadlineMs);
  }

  health(): ConsumerHealth {
    return this.loop.health();
  }

  private async handle(msg: JsMsg): Promise<void> {
    const { metrics } = this.deps;
    const durable = this.spec.durable;
    const deliveryCount = msg.info.deliveryCount;
    metrics.consumed.inc({ consumer: durable, subject: msg.subject });
    metrics.inFlight.inc({ consumer: durable });
    const end = metrics.handlerSeconds.startTimer({ consumer: durable });
    const meta: { id?: string; correlationId?: string } = {};
    // A child logger per message costs more than handling a small message: build it only when used.
    let log: Logger | undefined;
    const logOf = () =>
      (log ??= this.log.child({
        seq: msg.info.streamSequence,
        delivery: deliveryCount,
        msgId: meta.id,
        correlationId: meta.correlationId,
      }));
    let outcome = "ack";
    try {
      if (deliveryCount > this.maxDeliver) {
        // An earlier delivery never finished (crash, ack timeout): the limit is spent.
        outcome = await this.deadLetter(
          msg,
          "max_deliveries",
          `no result after ${deliveryCount - 1} deliveries (handler crashed or timed out)`,
          logOf(),
          meta,
        );
        return;
      }
      let message: MessageOf<T>;
      try {
        message = decodeMessage(this.spec.topic.schema, msg.data) as MessageOf<T>;
      } catch (err) {
        outcome = await this.deadLetter(msg, "invalid_message", errorMessage(err), logOf(), meta);
        return;
      }
      ({ id: meta.id, correlationId: meta.correlationId } = message as typeof meta);
      const messageId = meta.id ?? msg.headers?.get("Nats-Msg-Id") ?? `${msg.info.stream}:${msg.info.streamSequence}`;
      let headers: Record<string, string> | undefined;
      const ran = await runWithDeadline(
        (signal) =>
          this.spec.handler(message, {
            subject: msg.subject,
            streamSequence: msg.info.streamSequence,
            deliveryCount,
            messageId,
            get headers() {
              return (headers ??= headerRecord(msg));
            },
            get log() {
              return logOf();
            },
            working: () => msg.working(),
            get signal() {
              return signal();
            },
            once: bindOnce(this.deps.once, durable, messageId),
          }),
        {
          timeoutMs: this.handlerTimeoutMs,
          heartbeat: () => msg.working(),
          heartbeatEveryMs: Math.max(500, this.ackWaitMs / 2),
          shutdown: this.loop.shutdownSignal,
          abandoned: this.abandoned,
        },
      );
      if (ran.kind === "done") {
        this.loop.ack(msg);
        metrics.acked.inc({ consumer: durable });
      } else if (ran.kind === "failed") {
        outcome = await this.failed(msg, ran.error, logOf(), meta);
      } else if (ran.kind === "timed_out") {
        metrics.handlerTimeouts.inc({ consumer: durable });
        logOf().warn({ elapsedMs: ran.elapsedMs, handlerTimeoutMs: this.handlerTimeoutMs }, "handler deadline passed; giving up on it");
        outcome = await this.failed(msg, new HandlerTimeoutError(ran.elapsedMs), logOf(), meta);
      } else {
        logOf().warn({ elapsedMs: ran.elapsedMs }, "shutdown deadline passed while the handler ran; handing the message back");
        msg.nak();
        outcome = "nak";
      }
    } catch (err) {
      // Only a bug of the runner itself lands here: keep the message and never reject the slot's promise.
      logOf().error({ err }, "consumer failed on a message; it will be redelivered");
      msg.nak(5000);
      outcome = "nak";
    } finally {
      metrics.inFlight.dec({ consumer: durable });
      end({ outcome });
    }
  }

  /** Anything thrown, Error or not, settled as `settlementOf` says; dead-lettered once out of deliveries. */
  private async failed(msg: JsMsg, error: unknown, log: Logger, meta: { correlationId?: string }): Promise<string> {
    const deliveryCount = msg.info.deliveryCount;
    const settlement = settlementOf(error);
    if (settlement.action === "dead_letter") return this.deadLetter(msg, "permanent_error", errorMessage(error), log, meta);
    if (deliveryCount >= this.maxDeliver) return this.deadLetter(msg, "max_deliveries", errorMessage(error), log, meta);
    const delay =
      settlement.delayMs ?? backoffDelay(deliveryCount, { baseMs: this.spec.retryBaseMs ?? 1000, maxMs: this.spec.retryMaxMs ?? 60_000 });
    log.warn({ err: error, error: errorMessage(error), retryInMs: delay }, "handler failed; will retry");
    msg.nak(delay);
    this.deps.metrics.nacked.inc({ consumer: this.spec.durable });
    return "nak";
  }

  private async deadLetter(
    msg: JsMsg,
    reason: DeadLetterReason,
    error: string,
    log: Logger,
    meta: { correlationId?: string },
  ): Promise<string> {
    await deadLetter(this.deps, msg, this.spec.durable, { reason, error, correlationId: meta.correlationId }, log);
    return "dead_letter";
  }
}

export function headerRecord(msg: JsMsg): Record<string, string> {
  const out: Record<string, string> = {};
  if (msg.headers) for (const [k, v] of msg.headers) out[k] = v.join(",");
  return out;
}
