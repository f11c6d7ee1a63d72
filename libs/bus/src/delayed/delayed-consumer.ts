import type { JsMsg } from "@nats-io/jetstream";
import { backoffDelay, streams, subjects, type DelayedTaskDefinition, type PayloadOf } from "@vigil/contracts";
import type { Logger } from "pino";
import { decodeMessage } from "../codec.js";
import { checkDuration, type ConsumerDeps, headerRecord, pullBatchFor } from "../consumer.js";
import { deadLetter, type DeadLetterReason, CORRELATION_HEADER } from "../dead-letter.js";
import { runWithDeadline } from "../deadline.js";
import { type ConsumerHealth, DurableLoop } from "../durable-loop.js";
import { errorMessage, HandlerTimeoutError, settlementOf } from "../errors.js";
import { type BoundOnce, bindOnce } from "../idempotency.js";
import type { PubAck } from "../publisher.js";
import { type DelayedEnvelope, readEnvelope } from "./delayed-task.js";

export interface DelayedContext {
  taskId: string;
  /** 1 on the first run; counted by the task itself, not by server deliveries (deferrals do not count). */
  attempt: number;
  dueAt: Date;
  headers: Readonly<Record<string, string>>;
  log: Logger;
  working(): void;
  /** Aborted at the handler deadline or when shutdown outlives its deadline. */
  signal: AbortSignal;
  /** Side effects once per task id, across attempts (see HandlerContext.once). */
  once: BoundOnce;
}

export interface DelayedConsumerSpec<D extends DelayedTaskDefinition> {
  /** Durable name; also the dead-letter subject token. */
  durable: string;
  handler(payload: PayloadOf<D>, ctx: DelayedContext): Promise<void>;
  /** Due tasks handled at once. Default 4. */
  concurrency?: number;
  /** Runs before a failing task is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** Default 5 min. */
  handlerTimeoutMs?: number;
  /** Default 30 s. */
  ackWaitMs?: number;
  /** Back-off of retries (the due time of attempt n + 1). Default 1 s doubling up to 5 min. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A waiting task is handed back for at most this long, then looked at again. Default 60 s. */
  maxDeferMs?: number;
  /**
   * Tasks the durable may hold un-acknowledged: every waiting task counts (max_ack_pending), so size it
   * for the largest backlog of waiting tasks. Past it the server delivers nothing more, due or not. Default 20,000.
   */
  maxWaiting?: number;
  pullBatch?: number;
  /**
   * The clock due times are read on (epoch ms). Default: this process's. A service that schedules on the cluster's
   * clock (a simulated cluster's may be virtual) passes it here, with a short `maxDeferMs` so a jump is noticed soon.
   */
  now?: () => number;
}

export interface DelayedConsumerDeps extends ConsumerDeps {
  republish(data: Uint8Array, envelope: DelayedEnvelope, correlationId?: string): Promise<PubAck>;
}

/**
 * Runs tasks when due. A delivery that is not due yet is handed back with `nak(min(remaining, maxDeferMs))`
 * before it takes a handler slot, and without running the handler: waiting costs one redelivery per
 * `maxDeferMs`, no timer and no slot here, and survives restarts (the server holds the message). Attempts
 * are counted in the task, not by the server: a failure republishes the task with attempt + 1 and a
 * back-off due time, then acks the original; after `maxAttempts` runs it is dead-lettered with the reason.
 * (A process crash during a run is not an attempt: the run is redelivered after ack_wait and repeated.)
 * Due times compare the scheduler's clock with this process's: hosts are expected to run NTP.
 */
export class DelayedConsumer<D extends DelayedTaskDefinition> {
  readonly loop: DurableLoop;
  private readonly log: Logger;
  private readonly abandoned: { inc(): void; dec(): void };
  private readonly maxAttempts: number;
  private readonly handlerTimeoutMs: number;
  private readonly ackWaitMs: number;
  private readonly maxDeferMs: number;

  constructor(
    private readonly definition: D,
    private readonly spec: DelayedConsumerSpec<D>,
    private readonly deps: DelayedConsumerDeps,
  ) {
    this.abandoned = deps.metrics.abandonedHandlers.labels({ consumer: spec.durable });
    this.log = deps.log.child({ consumer: spec.durable, task: definition.name });
    const concurrency = Math.max(1, spec.concurrency ?? 4);
    this.maxAttempts = Math.max(1, spec.maxAttempts ?? 5);
    this.handlerTimeoutMs = checkDuration("handlerTimeoutMs", spec.handlerTimeoutMs ?? 5 * 60_000);
    this.ackWaitMs = checkDuration("ackWaitMs", spec.ackWaitMs ?? 30_000);
    this.maxDeferMs = checkDuration("maxDeferMs", spec.maxDeferMs ?? 60_000);
    this.loop = new DurableLoop(
      {
        stream: streams.delayed,
        durable: spec.durable,
        filterSubject: subjects.delayed(definition.name),
        ackWaitMs: this.ackWaitMs,
        maxAckPending: spec.maxWaiting ?? 20_000,
        startPosition: "all",
        concurrency,
        pullBatch: spec.pullBatch ?? pullBatchFor(concurrency),
        triage: (msg) => this.deferIfEarly(msg),
        process: (msg) => this.handle(msg),
      },
      { ...deps, log: this.log },
    );
  }

  async start(): Promise<void> {
    await this.loop.start();
    this.log.info({ maxAttempts: this.maxAttempts, maxDeferMs: this.maxDeferMs }, "delayed-task consumer started");
  }

  stop(deadlineMs = 10_000): Promise<void> {
    return this.loop.stop(deadlineMs);
  }

  health(): ConsumerHealth {
    return this.loop.health();
  }

  private deferIfEarly(msg: JsMsg): boolean {
    const envelope = readEnvelope(msg);
    const wait = envelope ? envelope.dueAt - (this.spec.now ?? Date.now)() : 0;
    if (wait <= 0) return false;
    msg.nak(Math.min(wait, this.maxDeferMs));
    this.deps.metrics.delayedDeferred.inc({ consumer: this.spec.durable });
    return true;
  }

  private async handle(msg: JsMsg): Promise<void> {
    const { metrics } = this.deps;
    const durable = this.spec.durable;
    metrics.consumed.inc({ consumer: durable, subject: msg.subject });
    metrics.inFlight.inc({ consumer: durable });
    const end = metrics.handlerSeconds.startTimer({ consumer: durable });
    const envelope = readEnvelope(msg);
    const correlationId = msg.headers?.get(CORRELATION_HEADER) || undefined;
    const log = this.log.child({ taskId: envelope?.taskId, attempt: envelope?.attempt, correlationId });
    let outcome = "ack";
    try {
      if (!envelope) {
        outcome = await this.deadLetter(
          msg,
          "invalid_message",
          "missing or malformed Vigil-Task-Id / Vigil-Due-At / Vigil-Attempt headers",
          log,
          1,
        );
        return;
      }
      let payload: PayloadOf<D>;
      try {
        payload = decodeMessage(this.definition.payload, msg.data) as PayloadOf<D>;
      } catch (err) {
        outcome = await this.deadLetter(msg, "invalid_message", errorMessage(err), log, envelope.attempt);
        return;
      }
      let headers: Record<string, string> | undefined;
      const ran = await runWithDeadline(
        (signal) =>
          this.spec.handler(payload, {
            taskId: envelope.taskId,
            attempt: envelope.attempt,
            dueAt: new Date(envelope.dueAt),
            get headers() {
              return (headers ??= headerRecord(msg));
            },
            log,
            working: () => msg.working(),
            get signal() {
              return signal();
            },
            once: bindOnce(this.deps.once, durable, envelope.taskId),
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
      } else if (ran.kind === "abandoned") {
        log.warn({ elapsedMs: ran.elapsedMs }, "shutdown deadline passed while the task ran; handing it back");
        msg.nak();
        outcome = "nak";
      } else {
        if (ran.kind === "timed_out") {
          metrics.handlerTimeouts.inc({ consumer: durable });
          log.warn({ elapsedMs: ran.elapsedMs, handlerTimeoutMs: this.handlerTimeoutMs }, "handler deadline passed; giving up on it");
        }
        outcome = await this.failed(
          msg,
          envelope,
          ran.kind === "failed" ? ran.error : new HandlerTimeoutError(ran.elapsedMs),
          correlationId,
          log,
        );
      }
    } catch (err) {
      log.error({ err }, "delayed-task consumer failed on a task; it will be redelivered");
      msg.nak(5000);
      outcome = "nak";
    } finally {
      metrics.inFlight.dec({ consumer: durable });
      end({ outcome });
    }
  }

  /** Settled as `settlementOf` says (a retry is the next attempt as a new message, then an ack); dead-lettered once out of attempts. */
  private async failed(
    msg: JsMsg,
    envelope: DelayedEnvelope,
    error: unknown,
    correlationId: string | undefined,
    log: Logger,
  ): Promise<string> {
    const settlement = settlementOf(error);
    if (settlement.action === "dead_letter") return this.deadLetter(msg, "permanent_error", errorMessage(error), log, envelope.attempt);
    if (envelope.attempt >= this.maxAttempts) return this.deadLetter(msg, "max_deliveries", errorMessage(error), log, envelope.attempt);
    const delay =
      settlement.delayMs ??
      backoffDelay(envelope.attempt, { baseMs: this.spec.retryBaseMs ?? 1000, maxMs: this.spec.retryMaxMs ?? 5 * 60_000 });
    try {
      // Publish first: a crash between the two re-runs this attempt, and the retry's msg id dedupes the republish.
      await this.deps.republish(
        msg.data,
        { taskId: envelope.taskId, dueAt: (this.spec.now ?? Date.now)() + delay, attempt: envelope.attempt + 1 },
        correlationId,
      );
    } catch (err) {
      log.error({ err }, "could not schedule the retry; the task will be redelivered");
      msg.nak(5000);
      return "nak";
    }
    log.warn({ err: error, error: errorMessage(error), retryInMs: delay }, "task failed; retry scheduled");
    msg.ack();
    this.deps.metrics.nacked.inc({ consumer: this.spec.durable });
    return "retry";
  }

  private async deadLetter(msg: JsMsg, reason: DeadLetterReason, error: string, log: Logger, attempts: number): Promise<string> {
    const correlationId = msg.headers?.get(CORRELATION_HEADER) || undefined;
    await deadLetter(this.deps, msg, this.spec.durable, { reason, error, correlationId, deliveryCount: attempts }, log);
    return "dead_letter";
  }
}
