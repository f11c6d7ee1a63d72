import { z } from "zod";
import { timestamp } from "./message.js";

/**
 * A JetStream key-value bucket: shared state that must survive restarts and be seen by every replica.
 * The bucket binds its value schema the way a topic binds a message schema: writers and readers both
 * validate with `value`, and keys are built only through the bucket's `key` builder.
 */
export interface KvBucketDefinition<V extends z.ZodType = z.ZodType, K extends readonly unknown[] = readonly string[]> {
  readonly name: string;
  readonly description: string;
  /** Values kept per key (1 = latest only). */
  readonly history: number;
  /** Age after which keys expire; 0 keeps them forever. */
  readonly ttlMs: number;
  /** Schema of every value stored in the bucket. */
  readonly value: V;
  /** Builds a key from its parts; NATS KV keys allow `[-/_=.a-zA-Z0-9]` only, so parts are escaped. */
  key(...parts: K): string;
}

export type KvValueOf<B extends KvBucketDefinition> = z.output<B["value"]>;

/**
 * One KV key token: characters NATS KV keys forbid become `_XX` (hex), and `.` (the key separator) too,
 * so distinct inputs never collide and every token is a single key segment.
 */
export function kvToken(value: string): string {
  if (value.length === 0) throw new Error("a KV key part cannot be empty");
  return value.replace(/[^-/=a-zA-Z0-9]|_/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

const joinKey = (...parts: readonly string[]): string => parts.map(kvToken).join(".");

/** A lease (lock) with an owner and an expiry: nats-server 2.9 has no per-key TTL, so expiry lives in the value. */
export const leaseValue = z.object({
  /** Who holds it: `<service>/<hostname>/<pid>` or any stable process identity. */
  owner: z.string().min(1),
  /** Random per acquisition, so a holder whose lease expired and was re-taken cannot release the new one. */
  token: z.string().min(1),
  acquiredAt: timestamp,
  renewedAt: timestamp,
  expiresAt: timestamp,
  /** Free text shown to operators: what the lease protects. */
  purpose: z.string().default(""),
});
export type LeaseValue = z.infer<typeof leaseValue>;

/** Completion marker of an idempotent side effect, keyed by consumer and message id. */
export const processedValue = z.object({
  consumer: z.string().min(1),
  messageId: z.string().min(1),
  completedAt: timestamp,
  /** A small summary of the effect (e.g. the execution id it produced), returned to later deliveries. */
  result: z.unknown().optional(),
});
export type ProcessedValue = z.infer<typeof processedValue>;

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

export const kvBuckets = {
  /** Leases: one holder per key (an executor on a target, a singleton job). Expiry is in the value. */
  leases: {
    name: "vigil_leases",
    description: "Leases with owner and expiry (one holder per key)",
    history: 1,
    ttlMs: DAY,
    value: leaseValue,
    key: (scope: string, ...parts: string[]) => joinKey(scope, ...parts),
  },
  /** Idempotency markers: a side effect already done for (consumer, message id) is not done again. */
  processed: {
    name: "vigil_processed",
    description: "Side effects already done per consumer and message id",
    history: 1,
    ttlMs: 7 * DAY,
    value: processedValue,
    key: (consumer: string, messageId: string) => joinKey(consumer, messageId),
  },
} as const satisfies Record<string, KvBucketDefinition<z.ZodType, readonly string[]>>;
