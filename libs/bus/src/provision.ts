import {
  AckPolicy,
  type ConsumerInfo,
  DeliverPolicy,
  DiscardPolicy,
  type ConsumerConfig,
  type JetStreamManager,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { StreamDefinition } from "@vigil/contracts";
import type { Logger } from "pino";

const STREAM_NAME_IN_USE = 10058;

export function toStreamConfig(def: StreamDefinition, replicas = 1): Partial<StreamConfig> & { name: string } {
  return {
    name: def.name,
    description: def.description,
    subjects: [...def.subjects],
    retention:
      def.retention === "limits"
        ? RetentionPolicy.Limits
        : def.retention === "interest"
          ? RetentionPolicy.Interest
          : RetentionPolicy.Workqueue,
    storage: def.storage === "file" ? StorageType.File : StorageType.Memory,
    max_age: nanos(def.maxAgeMs),
    duplicate_window: nanos(def.duplicateWindowMs),
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
    ...(def.maxBytes ? { max_bytes: def.maxBytes } : {}),
    ...(def.maxMsgSize ? { max_msg_size: def.maxMsgSize } : {}),
  };
}

/** Create the stream, or update it when its definition changed. Safe to call from every replica at startup. */
export async function ensureStream(jsm: JetStreamManager, def: StreamDefinition, log: Logger, replicas = 1): Promise<StreamInfo> {
  const config = toStreamConfig(def, replicas);
  try {
    return await jsm.streams.add(config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError) || err.apiError().err_code !== STREAM_NAME_IN_USE) throw err;
    log.info({ stream: def.name }, "stream definition changed; updating");
    return jsm.streams.update(def.name, config);
  }
}

/**
 * Where a durable starts the first time it is created: "new" (messages published from now on; a pipeline
 * consumer must not replay days of history), "all", or the first message at or after `startTime`.
 * An existing durable always resumes where it was: its start position is never changed.
 */
export type StartPosition = "all" | "new" | { startTime: Date | string };

/** Internal: a durable re-created after it was lost resumes just after what it had acknowledged. */
export type ResumePosition = StartPosition | { startSequence: number };

export interface DurableConsumerDefinition {
  stream: string;
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  maxAckPending: number;
  deliverPolicy: ResumePosition;
  description?: string;
}

function startConfig(position: ResumePosition): Partial<ConsumerConfig> {
  if (position === "all") return { deliver_policy: DeliverPolicy.All };
  if (position === "new") return { deliver_policy: DeliverPolicy.New };
  if ("startSequence" in position)
    return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, position.startSequence) };
  return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(position.startTime).toISOString() };
}

/**
 * Create a durable pull consumer, or update its mutable fields (never its start position). `max_deliver`
 * is unlimited on the server: the runner dead-letters after its own limit, so no message is ever dropped
 * without a record.
 */
export async function ensureConsumer(jsm: JetStreamManager, def: DurableConsumerDefinition, log: Logger): Promise<ConsumerInfo> {
  const config: Partial<ConsumerConfig> = {
    durable_name: def.durable,
    description: def.description,
    ack_policy: AckPolicy.Explicit,
    ...startConfig(def.deliverPolicy),
    filter_subject: def.filterSubject,
    ack_wait: nanos(def.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: def.maxAckPending,
  };
  const existing = await jsm.consumers.info(def.stream, def.durable).catch((err: unknown) => {
    if (err instanceof JetStreamApiError && err.code === 10014) return null;
    throw err;
  });
  if (!existing) return jsm.consumers.add(def.stream, config);
  const c = existing.config;
  if (c.filter_subject !== def.filterSubject || c.ack_policy !== AckPolicy.Explicit) {
    throw new Error(
      `consumer ${def.stream}/${def.durable} exists with filter ${c.filter_subject ?? "(none)"} and ack policy ${c.ack_policy}; ` +
        `this server cannot change those in place. Delete it (nats consumer rm ${def.stream} ${def.durable}) and restart.`,
    );
  }
  if (
    c.ack_wait !== config.ack_wait ||
    c.max_ack_pending !== config.max_ack_pending ||
    c.max_deliver !== -1 ||
    c.description !== config.description
  ) {
    log.info({ stream: def.stream, consumer: def.durable }, "consumer definition changed; updating");
    return jsm.consumers.update(def.stream, def.durable, {
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
      max_deliver: -1,
      description: config.description,
    });
  }
  return existing;
}
