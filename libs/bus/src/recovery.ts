import { type ConsumerInfo, JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";
import type { StreamDefinition } from "@vigil/contracts";
import type { Logger } from "pino";
import { type DurableConsumerDefinition, ensureConsumer, ensureStream, type ResumePosition, type StartPosition } from "./provision.js";

/** True when an error says the stream or the durable is gone (deleted, or a server that lost its store). */
export function isMissingResource(err: unknown): boolean {
  if (err instanceof JetStreamApiError)
    return err.code === JetStreamApiCodes.ConsumerNotFound || err.code === JetStreamApiCodes.StreamNotFound;
  // The pull reports a deleted durable as a 409 status error ("consumer deleted"), and a missing one by message.
  return err instanceof Error && /^(consumer deleted|consumer not found|stream not found)$/i.test(err.message);
}

export type DurableSpec = Omit<DurableConsumerDefinition, "stream" | "deliverPolicy"> & { startPosition: StartPosition };

/**
 * Keeps one durable consumer in existence: creates it at start with its configured start position, and
 * re-creates the stream (from its definition) and the durable when they disappear. A re-created durable
 * resumes where the lost one was, judged only from the server's own numbers and clock (no client clock):
 * - in a stream that is itself new (server restarted without its store, stream deleted), from the start:
 *   everything in it was published after the loss;
 * - in the same stream (an operator deleted the durable), after the last acknowledged sequence seen by
 *   the periodic check, or else from the durable's creation time. Messages acknowledged since the last
 *   check come again: delivery is at least once either way.
 */
export class DurableKeeper {
  private streamCreated?: string;
  private ackFloorSeq = 0;
  private createdAt?: string;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: StreamDefinition,
    private readonly spec: DurableSpec,
    private readonly log: Logger,
    private readonly replicas: number,
  ) {}

  /** First start: the stream as it is (created if missing), the durable with its configured start position. */
  async create(): Promise<void> {
    const stream = await this.jsm.streams.info(this.stream.name).catch((err: unknown) => {
      if (isMissingResource(err)) return ensureStream(this.jsm, this.stream, this.log, this.replicas);
      throw err;
    });
    this.streamCreated = stream.created;
    this.remember(await ensureConsumer(this.jsm, this.definition(this.spec.startPosition), this.log));
  }

  /** After a loss: stream first (from its definition), then the durable where the lost one left off. */
  async recreate(): Promise<ResumePosition> {
    const stream = await ensureStream(this.jsm, this.stream, this.log, this.replicas);
    const position: ResumePosition = stream.created !== this.streamCreated ? "all" : this.resumePosition();
    this.streamCreated = stream.created;
    this.ackFloorSeq = 0;
    this.remember(await ensureConsumer(this.jsm, this.definition(position), this.log));
    return position;
  }

  /** The periodic check: "ok", "missing" (stream or durable gone), or "unknown" (no answer: a disconnect). */
  async check(): Promise<"ok" | "missing" | "unknown"> {
    try {
      this.remember(await this.jsm.consumers.info(this.stream.name, this.spec.durable));
      return "ok";
    } catch (err) {
      return isMissingResource(err) ? "missing" : "unknown";
    }
  }

  private remember(info: ConsumerInfo): void {
    if (info.ack_floor.stream_seq > this.ackFloorSeq) this.ackFloorSeq = info.ack_floor.stream_seq;
    this.createdAt = info.created;
  }

  private resumePosition(): ResumePosition {
    if (this.ackFloorSeq > 0) return { startSequence: this.ackFloorSeq + 1 };
    if (this.spec.startPosition === "new" && this.createdAt) return { startTime: this.createdAt };
    return this.spec.startPosition;
  }

  private definition(deliverPolicy: ResumePosition): DurableConsumerDefinition {
    const { startPosition: _, ...rest } = this.spec;
    return { ...rest, stream: this.stream.name, deliverPolicy };
  }
}
