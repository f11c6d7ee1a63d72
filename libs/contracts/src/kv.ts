import { z } from "zod";
import { type ActionName, catalogActionName } from "./catalog/index.js";
import { calibrationRecordValue } from "./calibration-api.js";
import { effectivenessOutcome } from "./effectiveness.js";
import { incidentState } from "./incident.js";
import { messageId, resourceRef, timestamp } from "./message.js";

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

/** Executor: when an action on a target may run again. Expiry lives in `until`; the bucket TTL only sweeps. */
export const cooldownValue = z
  .object({
    action: catalogActionName,
    target: resourceRef,
    executionId: messageId,
    at: timestamp,
    until: timestamp,
  })
  .refine((v) => Date.parse(v.until) >= Date.parse(v.at), { path: ["until"], message: "must not be before at" });
export type CooldownValue = z.infer<typeof cooldownValue>;

/** Outcomes kept per effectiveness aggregate. */
export const effectivenessRecentMax = 20;

/** Effectiveness: how an action has worked for one alertname, or for one owner. */
export const effectivenessAggregateValue = z
  .object({
    action: catalogActionName,
    /** Assessments counted, scored or not. */
    count: z.number().int().nonnegative(),
    /** Of those, the ones with a score (the mean is over these). */
    scored: z.number().int().nonnegative(),
    /** Mean score over all scored assessments; null until one is scored. */
    meanScore: z.number().min(0).max(1).nullable(),
    /** Newest first, at most `effectivenessRecentMax`. */
    recent: z
      .array(z.object({ outcome: effectivenessOutcome, score: z.number().min(0).max(1).nullable(), at: timestamp, executionId: messageId }))
      .max(effectivenessRecentMax),
    updatedAt: timestamp,
  })
  .superRefine((v, ctx) => {
    if (v.scored > v.count) ctx.addIssue({ code: "custom", path: ["scored"], message: "cannot exceed count" });
    if ((v.scored === 0) !== (v.meanScore === null))
      ctx.addIssue({ code: "custom", path: ["meanScore"], message: "is null exactly when nothing was scored" });
  });
export type EffectivenessAggregateValue = z.infer<typeof effectivenessAggregateValue>;

export const autonomyState = z.enum(["approval_required", "earned"]);

/** Earned autonomy per (action, alertname, namespace class): the executor's policy reads it. */
export const autonomyValue = z.object({
  state: autonomyState,
  /** Consecutive assessed successes since the last demotion. */
  successes: z.number().int().nonnegative(),
  meanScore: z.number().min(0).max(1).nullable(),
  lastChange: z
    .object({ from: autonomyState, to: autonomyState, at: timestamp, reason: z.string().min(1), executionId: messageId.optional() })
    .optional(),
  /** Executions already counted, newest first: a redelivered assessment is not counted twice. */
  counted: z.array(messageId).max(50).default([]),
  updatedAt: timestamp,
});
export type AutonomyValue = z.infer<typeof autonomyValue>;

/** The break-glass switch: while paused, no replica applies a live change. */
export const executorControlValue = z.object({
  paused: z.boolean(),
  by: z.string().min(1),
  at: timestamp,
  reason: z.string().default(""),
});
export type ExecutorControlValue = z.infer<typeof executorControlValue>;

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
  /**
   * Executor cooldowns per (action, target). Build the target part with `resourceKey(target)`:
   * `kvBuckets.cooldowns.key("restart_pod", resourceKey(pod))`. The TTL sweeps entries a day after their
   * last write, so a cooldown longer than a day must be re-written (or the TTL raised).
   */
  cooldowns: {
    name: "vigil_cooldowns",
    description: "Last execution per action and target, and when the action may run again",
    history: 1,
    ttlMs: DAY,
    value: cooldownValue,
    key: (action: ActionName, target: string) => joinKey(action, target),
  },
  /**
   * Effectiveness aggregates, per (alertname, action) and per (owner, action):
   * `key("alertname", "KubePodCrashLooping", "restart_pod")`, `key("owner", resourceKey(owner), "restart_pod")`.
   */
  effectiveness: {
    name: "vigil_effectiveness",
    description: "Effectiveness aggregates per (alertname, action) and per (owner, action)",
    history: 1,
    ttlMs: 0,
    value: effectivenessAggregateValue,
    key: (scope: "alertname" | "owner", subject: string, action: ActionName) => joinKey(scope, subject, action),
  },
  /** Earned-autonomy ledger per (action, alertname, namespace class); history keeps recent promotions and demotions. */
  autonomy: {
    name: "vigil_autonomy",
    description: "Earned autonomy per (action, alertname, namespace class)",
    history: 10,
    ttlMs: 0,
    value: autonomyValue,
    key: (action: ActionName, alertname: string, namespaceClass: string) => joinKey(action, alertname, namespaceClass),
  },
  /**
   * Incidents: `key("id", incidentId)` holds the incident; `key("owner", resourceKey(owner))` holds the
   * owner's current incident (same value), so grouping finds it by owner in one read.
   */
  incidents: {
    name: "vigil_incidents",
    description: "Incident state by id, and each owner's current incident",
    history: 1,
    ttlMs: 30 * DAY,
    value: incidentState,
    key: (scope: "id" | "owner", value: string) => joinKey(scope, value),
  },
  /** Calibration: each action proposal's confidence joined with its assessed outcome, `key(proposalId)`. */
  calibration: {
    name: "vigil_calibration",
    description: "Action proposals' confidence and their assessed outcome, by proposal id",
    history: 1,
    ttlMs: 90 * DAY,
    value: calibrationRecordValue,
    key: (proposalId: string) => joinKey(proposalId),
  },
  /** Executor control flags shared by every replica; today the break-glass pause: `key("pause")`. */
  executorControl: {
    name: "vigil_executor_control",
    description: "Executor break-glass pause flag",
    history: 5,
    ttlMs: 0,
    value: executorControlValue,
    key: (flag: "pause") => joinKey(flag),
  },
} as const satisfies Record<string, KvBucketDefinition<z.ZodType, readonly string[]>>;
