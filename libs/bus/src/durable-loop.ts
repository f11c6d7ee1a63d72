import { setMaxListeners } from "node:events";
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { backoffDelay, type StreamDefinition } from "@vigil/contracts";
import type { Logger } from "pino";
import { AckBatch } from "./ack-batch.js";
import { errorMessage } from "./errors.js";
import type { BusMetrics } from "./metrics.js";
import { DurableKeeper, type DurableSpec, isMissingResource } from "./recovery.js";

export interface RecoveryOptions {
  /** Back-off (the shared formula) between attempts to re-create a lost stream or durable. */
  baseMs: number;
  maxMs: number;
  /** How often the durable's existence is checked, besides what the pull itself reports. */
  checkIntervalMs: number;
}

export const defaultRecovery: RecoveryOptions = { baseMs: 500, maxMs: 30_000, checkIntervalMs: 15_000 };

/** One consumer's line in readiness: is it pulling, and if not, why. */
export interface ConsumerHealth {
  consumer: string;
  stream: string;
  ok: boolean;
  detail: string;
}

export interface DurableLoopSpec extends DurableSpec {
  stream: StreamDefinition;
  concurrency: number;
  /** Messages pulled ahead of the handlers. */
  pullBatch: number;
  /** Settles a message that needs no handler slot (a delayed task not due yet); true when it did. */
  triage?(msg: JsMsg): boolean;
  /** Handles one message within a slot. Must not reject, and must resolve once `shutdownSignal` aborts. */
  process(msg: JsMsg): Promise<void>;
}

export interface DurableLoopDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Already carries the consumer name. */
  log: Logger;
  metrics: BusMetrics;
  replicas: number;
  recovery: RecoveryOptions;
  /** Round trip to the server so acks written before stop() returns have reached it. */
  flush: () => Promise<void>;
}

/**
 * Pulls a durable consumer with bounded concurrency, and keeps doing so: when the stream or the durable
 * disappears it reports itself not running, logs it, and re-creates both with back-off (see DurableKeeper
 * for where it resumes). A loss is noticed by the pull itself (`abort_on_missing_resource` turns the
 * consumer_deleted / consumer_not_found / stream_not_found statuses, including the check the client makes
 * after missed heartbeats and reconnects, into an error), and by a periodic `consumers.info` as a backstop.
 */
export class DurableLoop {
  private messages?: ConsumerMessages;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly slots: Array<() => void> = [];
  private readonly deadline = new AbortController();
  private readonly wake = new AbortController();
  private readonly keeper: DurableKeeper;
  private readonly acks = new AckBatch();
  private stopping = false;
  private stopped?: Promise<void>;
  private loop?: Promise<void>;
  private checker?: NodeJS.Timeout;
  private lostReason?: string;
  private state = { ok: false, detail: "not started" };

  constructor(
    private readonly spec: DurableLoopSpec,
    private readonly deps: DurableLoopDeps,
  ) {
    // The durable's settings are what remains once the runner's own fields and callbacks are dropped.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const { stream, concurrency: _c, pullBatch: _p, triage: _t, process: _h, ...durable } = spec;
    this.keeper = new DurableKeeper(deps.jsm, stream, durable, deps.log, deps.replicas);
    // Every running handler listens on it: more than 10 at once is normal, not a leak.
    setMaxListeners(0, this.deadline.signal);
  }

  /** Aborts when stop() outlives its deadline: handlers still running are given up on. */
  get shutdownSignal(): AbortSignal {
    return this.deadline.signal;
  }

  /** Acknowledges a handled message (written with the other acks of this event-loop turn). */
  ack(msg: JsMsg): void {
    this.acks.ack(msg);
  }

  health(): ConsumerHealth {
    return { consumer: this.spec.durable, stream: this.spec.stream.name, ...this.state };
  }

  async start(): Promise<void> {
    await this.keeper.create();
    this.setState(true, "running");
    this.loop = this.run();
    this.checker = setInterval(() => void this.check(), this.deps.recovery.checkIntervalMs);
    this.checker.unref();
  }

  /** Stop pulling, hand back buffered messages, and wait for in-flight handlers (given up on at the deadline). */
  stop(deadlineMs = 10_000): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      clearInterval(this.checker);
      this.wake.abort();
      this.messages?.stop();
      const timer = setTimeout(() => this.deadline.abort(new Error("shutdown deadline reached")), deadlineMs);
      await this.loop;
      await Promise.allSettled([...this.inFlight]);
      clearTimeout(timer);
      this.acks.flush();
      // Acks are fire-and-forget: without this a caller draining right after could drop the last ones.
      await this.deps.flush().catch((err: unknown) => this.deps.log.warn({ err }, "could not flush acks on stop"));
      this.setState(false, "stopped");
      this.deps.log.info("consumer stopped");
    })();
    return this.stopped;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (this.lostReason) await this.recover();
        if (this.stopping) break;
        const consumer = await this.deps.js.consumers.get(this.spec.stream.name, this.spec.durable);
        this.messages = await consumer.consume({ max_messages: this.spec.pullBatch, abort_on_missing_resource: true });
        if (this.stopping) this.messages.stop();
        failures = 0;
        this.setState(true, "running");
        await this.pump(this.messages);
        if (!this.stopping && !this.lostReason) throw new Error("the pull ended unexpectedly");
      } catch (err) {
        if (this.stopping) break;
        if (isMissingResource(err)) {
          this.markLost(errorMessage(err));
          continue;
        }
        const delay = backoffDelay(++failures, this.deps.recovery);
        this.setState(false, `pull failed: ${errorMessage(err)}; retrying in ${delay}ms`);
        this.deps.log.warn({ err, stream: this.spec.stream.name, retryInMs: delay }, "consumer pull failed; retrying");
        await this.pause(delay);
      }
    }
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      if (this.spec.triage?.(msg)) continue;
      while (this.inFlight.size >= this.spec.concurrency) await new Promise<void>((r) => this.slots.push(r));
      if (this.stopping) {
        msg.nak(); // not started: let another replica take it now rather than after ack_wait
        continue;
      }
      const task = this.spec.process(msg).finally(() => {
        this.inFlight.delete(task);
        this.slots.shift()?.();
      });
      this.inFlight.add(task);
    }
  }

  private markLost(reason: string): void {
    if (this.lostReason || this.stopping) return;
    this.lostReason = reason;
    const stream = this.spec.stream.name;
    this.setState(false, `durable ${this.spec.durable} on stream ${stream} is gone (${reason}); re-creating it`);
    this.deps.log.warn({ stream, reason }, "durable consumer or its stream is gone; re-creating them");
    this.messages?.stop();
  }

  private async recover(): Promise<void> {
    const stream = this.spec.stream.name;
    // Even the first attempt waits: the server tells a pull its durable is deleted before it has finished
    // deleting it (nats-server 2.9 then fails the deletion when the same name is re-created at once).
    let delay = backoffDelay(1, this.deps.recovery);
    for (let attempt = 1; !this.stopping; attempt++) {
      await this.pause(delay);
      if (this.stopping) return;
      try {
        const resumeFrom = await this.keeper.recreate();
        this.lostReason = undefined;
        this.deps.metrics.consumerRecoveries.inc({ consumer: this.spec.durable });
        this.deps.log.warn({ stream, resumeFrom, attempt }, "durable consumer re-created; resuming");
        return;
      } catch (err) {
        delay = backoffDelay(attempt + 1, this.deps.recovery);
        this.setState(
          false,
          `durable ${this.spec.durable} on stream ${stream} is gone (${this.lostReason}); re-creating failed ${attempt}x: ${errorMessage(err)}`,
        );
        this.deps.log.warn({ err, stream, attempt, retryInMs: delay }, "could not re-create the durable consumer; retrying");
      }
    }
  }

  /** Catches a loss the pull did not report (it only notices on its next request or heartbeat). */
  private async check(): Promise<void> {
    if (this.stopping || this.lostReason || !this.state.ok) return;
    if ((await this.keeper.check()) === "missing") this.markLost("not found by the periodic check");
  }

  private setState(ok: boolean, detail: string): void {
    this.state = { ok, detail };
    this.deps.metrics.consumerUp.set({ consumer: this.spec.durable }, ok ? 1 : 0);
  }

  private pause(ms: number): Promise<void> {
    const wake = this.wake.signal;
    return new Promise<void>((resolve) => {
      if (wake.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake.removeEventListener("abort", done);
        resolve();
      }
      wake.addEventListener("abort", done, { once: true });
    });
  }
}
