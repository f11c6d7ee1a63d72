/** JetStream key-value buckets: shared state that must survive restarts and be seen by every replica. */
export interface KvBucketDefinition {
  readonly name: string;
  readonly description: string;
  /** Values kept per key (1 = latest only). */
  readonly history: number;
  /** Age after which keys expire; 0 keeps them forever. */
  readonly ttlMs: number;
}

const HOUR = 60 * 60_000;

export const kvBuckets = {
  /** Executor: last action per (action, target), so the same fix is not retried inside its cooldown. */
  cooldowns: { name: "vigil_cooldowns", description: "Last execution per action and target", history: 1, ttlMs: 24 * HOUR },
  /** Effectiveness: rolling score per (action, alertname), read back by the investigator. */
  effectivenessScores: { name: "vigil_effectiveness_scores", description: "Rolling effectiveness per action and alert", history: 5, ttlMs: 0 },
} as const satisfies Record<string, KvBucketDefinition>;
