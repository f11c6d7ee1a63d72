// Side effects once per message, across redeliveries, replicas and restarts.
//
// Guarantee: for one (consumer, message id[, key]), once `once()` has returned, every later call returns
// the stored result without running the effect again (for as long as the marker lives: the `processed`
// bucket keeps markers 7 days, longer than any stream's duplicate window). While an effect runs, a short
// auto-renewed lease on the same id makes a concurrent call (a redelivery after an ack timeout, another
// replica) back off with a RetryableError instead of running it a second time: the consumer naks, and
// the later delivery finds the marker.
//
// Limit: the marker is written after the effect. A crash (or a lost NATS connection) between the effect
// and the marker write runs the effect again on the next delivery. Make effects idempotent where the
// target allows it as well: an SQL row with `ON CONFLICT DO NOTHING` in the same transaction (the db kit
// provides that), a Kubernetes patch that sets a value rather than adding to it, a create that treats
// "already exists" as done.
import { kvBuckets, type ProcessedValue } from "@vigil/contracts";
import type { Logger } from "pino";
import { RetryableError } from "./errors.js";
import type { Leases } from "./kv/lease.js";
import type { TypedKv } from "./kv/typed-kv.js";
import type { BusMetrics } from "./metrics.js";

export interface OnceScope {
  /** The durable consumer (or any stable name of the code taking the effect). */
  consumer: string;
  messageId: string;
  /** Tells several effects of one message apart. */
  key?: string;
}

export type OnceRunner = <R>(scope: OnceScope, effect: () => Promise<R>) => Promise<R>;

export interface IdempotencyOptions {
  /** The in-progress lease; renewed every third of it while the effect runs. Default 30 s. */
  leaseTtlMs?: number;
}

export class Idempotency {
  private readonly leaseTtlMs: number;

  constructor(
    private readonly markers: TypedKv<typeof kvBuckets.processed>,
    private readonly leases: Leases,
    private readonly log: Logger,
    private readonly metrics: BusMetrics,
    opts: IdempotencyOptions = {},
  ) {
    this.leaseTtlMs = opts.leaseTtlMs ?? 30_000;
  }

  /**
   * Runs `effect` unless it already ran for this scope, and returns its result, JSON round-tripped (the
   * same value the stored marker gives later deliveries). Throws RetryableError while another delivery
   * runs the same effect; rethrows the effect's own failure (nothing is recorded, a retry runs it again).
   */
  async once<R>(scope: OnceScope, effect: () => Promise<R>): Promise<R> {
    const id = scope.key ? `${scope.messageId}#${scope.key}` : scope.messageId;
    const markerKey = this.markers.key(scope.consumer, id);
    const done = await this.markers.get(markerKey);
    if (done) return this.reused(scope, done.value);

    const got = await this.leases.acquire(kvBuckets.leases.key("once", scope.consumer, id), {
      ttlMs: this.leaseTtlMs,
      autoRenew: true,
      purpose: `effect of ${scope.consumer} for ${id}`,
    });
    if (!got.acquired) {
      this.metrics.onceCalls.inc({ consumer: scope.consumer, outcome: "busy" });
      const wait = Math.min(5000, Math.max(100, got.heldBy.expiresAt.getTime() - Date.now()));
      throw new RetryableError(`effect for ${id} is running elsewhere (${got.heldBy.owner}); retrying after it`, { retryAfterMs: wait });
    }
    try {
      // The holder before us may have finished between our first look and our acquisition.
      const again = await this.markers.get(markerKey);
      if (again) return this.reused(scope, again.value);
      const result = roundTrip(await effect());
      await this.markers.put(markerKey, { consumer: scope.consumer, messageId: id, completedAt: new Date().toISOString(), result });
      this.metrics.onceCalls.inc({ consumer: scope.consumer, outcome: "ran" });
      return result as R;
    } finally {
      await got.lease
        .release()
        .catch((err: unknown) => this.log.warn({ err, messageId: id }, "could not release the in-progress lease; it expires by itself"));
    }
  }

  private reused<R>(scope: OnceScope, marker: ProcessedValue): R {
    this.metrics.onceCalls.inc({ consumer: scope.consumer, outcome: "reused" });
    return marker.result as R;
  }
}

const roundTrip = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** A handler context's `once`: the runner bound to one message, with an optional key per effect. */
export interface BoundOnce {
  <R>(effect: () => Promise<R>): Promise<R>;
  <R>(key: string, effect: () => Promise<R>): Promise<R>;
}

export function bindOnce(run: OnceRunner, consumer: string, messageId: string): BoundOnce {
  return <R>(keyOrEffect: string | (() => Promise<R>), effect?: () => Promise<R>): Promise<R> =>
    typeof keyOrEffect === "string"
      ? run({ consumer, messageId, key: keyOrEffect }, effect as () => Promise<R>)
      : run({ consumer, messageId }, keyOrEffect);
}
