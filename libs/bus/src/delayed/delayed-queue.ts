import { randomUUID } from "node:crypto";
import { type StreamDefinition, streams, subjects, type DelayedTaskDefinition, type PayloadOf } from "@vigil/contracts";
import { encodeMessage } from "../codec.js";
import { CORRELATION_HEADER } from "../dead-letter.js";
import type { ConsumerHealth } from "../durable-loop.js";
import type { ConsumerDeps } from "../consumer.js";
import { BusUnavailableError } from "../errors.js";
import type { PubAck } from "../publisher.js";
import { DelayedConsumer, type DelayedConsumerSpec } from "./delayed-consumer.js";
import { attemptMsgId, DELAYED_HEADERS } from "./delayed-task.js";

export interface ScheduleOptions {
  /** When the task is due; or `delayMs` from now. Neither: now. */
  dueAt?: Date | number | string;
  delayMs?: number;
  /** Task id, its `Nats-Msg-Id`: scheduling the same id twice within the duplicate window (2 h) stores it once. Default: random. */
  id?: string;
  correlationId?: string;
}

export interface ScheduledTask {
  id: string;
  dueAt: Date;
  /** True when the id was already scheduled (nothing new was stored). */
  duplicate: boolean;
}

export interface DelayedQueueDeps extends ConsumerDeps {
  /** Registers a consumer with the bus, for readiness and shutdown. */
  register(runner: { stop(deadlineMs?: number): Promise<void>; health(): ConsumerHealth }): void;
  /** Re-creates a stream found missing on publish (NATS lost its store). */
  restoreStream(def: StreamDefinition): void;
}

/**
 * Delayed work of one task kind: `schedule` a typed payload for a time, `consume` it when due. Tasks are
 * JetStream messages on VIGIL_DELAYED, so they survive restarts of the service and of NATS (file storage).
 * How waiting works without a timer per task or a held slot: see DelayedConsumer.
 */
export class DelayedQueue<D extends DelayedTaskDefinition> {
  readonly subject: string;

  constructor(
    readonly definition: D,
    private readonly deps: DelayedQueueDeps,
  ) {
    this.subject = subjects.delayed(definition.name);
  }

  async schedule(payload: PayloadOf<D>, opts: ScheduleOptions = {}): Promise<ScheduledTask> {
    const dueAt = opts.dueAt !== undefined ? new Date(opts.dueAt).getTime() : Date.now() + (opts.delayMs ?? 0);
    if (!Number.isFinite(dueAt)) throw new RangeError(`delayed task ${this.definition.name}: invalid due time ${String(opts.dueAt)}`);
    const { data } = encodeMessage(this.definition.payload, payload);
    const id = opts.id ?? randomUUID();
    const ack = await this.publish(data, { taskId: id, dueAt, attempt: 1 }, opts.correlationId);
    return { id, dueAt: new Date(dueAt), duplicate: ack.duplicate };
  }

  /** Starts handling due tasks on a durable (created from the start of the stream: tasks scheduled before it exist are run). */
  async consume(spec: DelayedConsumerSpec<D>): Promise<DelayedConsumer<D>> {
    const consumer = new DelayedConsumer(this.definition, spec, {
      ...this.deps,
      republish: (data, envelope, correlationId) => this.publish(data, envelope, correlationId),
    });
    await consumer.start();
    this.deps.register(consumer);
    return consumer;
  }

  /** @internal One attempt of a task: the payload as is, the envelope in headers. */
  async publish(data: Uint8Array, envelope: { taskId: string; dueAt: number; attempt: number }, correlationId?: string): Promise<PubAck> {
    this.deps.metrics.delayedScheduled.inc({ task: this.definition.name });
    const headers: Record<string, string> = {
      [DELAYED_HEADERS.taskId]: envelope.taskId,
      [DELAYED_HEADERS.dueAt]: String(Math.round(envelope.dueAt)),
      [DELAYED_HEADERS.attempt]: String(envelope.attempt),
      ...(correlationId ? { [CORRELATION_HEADER]: correlationId } : {}),
    };
    try {
      return await this.deps.publisher.publish(this.subject, data, { msgId: attemptMsgId(envelope.taskId, envelope.attempt), headers });
    } catch (err) {
      if (err instanceof BusUnavailableError && err.reason === "no_stream") this.deps.restoreStream(streams.delayed);
      throw err;
    }
  }
}
