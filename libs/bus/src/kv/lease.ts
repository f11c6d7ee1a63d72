// Leases (locks with an owner and an expiry) on a key-value bucket, for nats-server 2.9, which has no
// per-key TTL: the expiry lives in the value, and every change is a compare-and-set on the key's revision.
//
// Clock assumption: expiry compares wall clocks of different processes (the holder writes
// `expiresAt = its now + ttl`, a contender compares it with its own now). Hosts are expected to run NTP,
// so skew is well under a second; choose ttlMs much larger than the worst skew you expect (seconds, not
// milliseconds). A contender whose clock runs ahead by d sees a lease expire d early; a holder renews at
// a third of its ttl, so a skew below ttl/3 never lets a live, renewing lease be taken.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { kvBuckets, LeaseValue } from "@vigil/contracts";
import type { Logger } from "pino";
import type { BusMetrics } from "../metrics.js";
import { KvKeyExistsError, KvRevisionMismatchError } from "./errors.js";
import type { TypedKv } from "./typed-kv.js";

export type LeaseBucket = TypedKv<typeof kvBuckets.leases>;

export interface AcquireOptions {
  ttlMs: number;
  /** Who is asking, shown to contenders. Default `<hostname>/<pid>`. */
  owner?: string;
  /** What the lease protects, shown to operators. */
  purpose?: string;
  /** Renew every ttl/3 until released; `lost` aborts if a renewal fails for good. Default false. */
  autoRenew?: boolean;
}

export interface LeaseHolder {
  owner: string;
  purpose: string;
  expiresAt: Date;
}

export type AcquireResult = { acquired: true; lease: Lease } | { acquired: false; heldBy: LeaseHolder };

export const defaultOwner = (): string => `${hostname()}/${process.pid}`;

const iso = (ms: number) => new Date(ms).toISOString();
const holderOf = (v: LeaseValue): LeaseHolder => ({ owner: v.owner, purpose: v.purpose, expiresAt: new Date(v.expiresAt) });

/** Acquires leases on the keys of one bucket. */
export class Leases {
  constructor(
    private readonly kv: LeaseBucket,
    private readonly log: Logger,
    private readonly metrics: BusMetrics,
  ) {}

  /**
   * Takes the key if it is free: never held (create), or released, or expired (compare-and-set on the
   * revision that was read, so of two contenders exactly one wins). Else says who holds it, until when.
   */
  async acquire(key: string, opts: AcquireOptions): Promise<AcquireResult> {
    const owner = opts.owner ?? defaultOwner();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.kv.get(key);
      const now = Date.now();
      if (current && Date.parse(current.value.expiresAt) > now)
        return this.count("acquire", "held", { acquired: false, heldBy: holderOf(current.value) });
      const value: LeaseValue = {
        owner,
        token: randomUUID(),
        acquiredAt: iso(now),
        renewedAt: iso(now),
        expiresAt: iso(now + opts.ttlMs),
        purpose: opts.purpose ?? "",
      };
      try {
        const revision = current ? await this.kv.update(key, value, current.revision) : await this.kv.create(key, value);
        const lease = new Lease(this.kv, key, value, revision, opts.ttlMs, this.log.child({ lease: key, owner }), this.metrics);
        if (opts.autoRenew) lease.startAutoRenew();
        return this.count("acquire", "ok", { acquired: true, lease });
      } catch (err) {
        if (!(err instanceof KvKeyExistsError || err instanceof KvRevisionMismatchError)) throw err;
        // Another contender wrote first: read again and see what it is now.
      }
    }
    const current = await this.kv.get(key);
    if (current) return this.count("acquire", "held", { acquired: false, heldBy: holderOf(current.value) });
    throw new Error(`lease ${this.kv.bucket}/${key}: no stable state after 5 attempts`);
  }

  /** Who holds the key now, if anyone (an expired lease counts as free). */
  async holder(key: string): Promise<LeaseHolder | undefined> {
    const current = await this.kv.get(key);
    return current && Date.parse(current.value.expiresAt) > Date.now() ? holderOf(current.value) : undefined;
  }

  private count<R>(op: string, result: string, value: R): R {
    this.metrics.leaseOps.inc({ bucket: this.kv.bucket, op, result });
    return value;
  }
}

/**
 * A held lease. Every write checks that the key still carries this acquisition's token (through the
 * revision), so a holder whose lease expired and was taken by another can neither renew nor release it.
 */
export class Lease {
  private readonly lostController = new AbortController();
  private state: "held" | "released" | "lost" = "held";
  private renewer?: NodeJS.Timeout;

  constructor(
    private readonly kv: LeaseBucket,
    readonly key: string,
    private value: LeaseValue,
    private revision: number,
    readonly ttlMs: number,
    private readonly log: Logger,
    private readonly metrics: BusMetrics,
  ) {}

  get owner(): string {
    return this.value.owner;
  }
  get token(): string {
    return this.value.token;
  }
  get expiresAt(): Date {
    return new Date(this.value.expiresAt);
  }
  /** Neither released nor lost, and not past its expiry by this process's clock. */
  get isHeld(): boolean {
    return this.state === "held" && Date.parse(this.value.expiresAt) > Date.now();
  }
  /** Aborts when the lease is lost: taken by another, or not renewed before its expiry. Stop the protected work. */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  /** Extends the expiry by ttl from now. False when the lease is no longer ours (it is then marked lost). */
  async renew(): Promise<boolean> {
    if (this.state !== "held") return false;
    const now = Date.now();
    const next: LeaseValue = { ...this.value, renewedAt: iso(now), expiresAt: iso(now + this.ttlMs) };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        this.revision = await this.kv.update(this.key, next, this.revision);
        this.value = next;
        this.metrics.leaseOps.inc({ bucket: this.kv.bucket, op: "renew", result: "ok" });
        return true;
      } catch (err) {
        if (!(err instanceof KvRevisionMismatchError)) throw err;
        // Our previous write may have landed without its answer reaching us: still ours if the token matches.
        const current = await this.kv.get(this.key);
        if (current?.value.token !== this.token) break;
        this.revision = current.revision;
      }
    }
    this.markLost("renewal refused: the lease was taken by another holder");
    return false;
  }

  /** Gives the key up, only if it still carries our token. True when it did. */
  async release(): Promise<boolean> {
    if (this.state !== "held") return false;
    this.state = "released";
    clearInterval(this.renewer);
    const current = await this.kv.get(this.key);
    let released = false;
    if (current?.value.token === this.token) {
      released = await this.kv.delete(this.key, { revision: current.revision }).then(
        () => true,
        (err: unknown) => {
          if (err instanceof KvRevisionMismatchError) return false;
          throw err;
        },
      );
    }
    this.metrics.leaseOps.inc({ bucket: this.kv.bucket, op: "release", result: released ? "ok" : "lost" });
    return released;
  }

  /** @internal Renews every ttl/3; a failure that lasts past the expiry (NATS unreachable) counts as lost. */
  startAutoRenew(): void {
    this.renewer = setInterval(
      () => {
        this.renew().catch((err: unknown) => {
          if (this.state !== "held") return;
          if (Date.now() < Date.parse(this.value.expiresAt)) return this.log.warn({ err }, "lease renewal failed; retrying");
          this.markLost(`renewal failed until the lease expired: ${(err as Error).message}`);
        });
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
    this.renewer.unref();
  }

  private markLost(reason: string): void {
    if (this.state !== "held") return;
    this.state = "lost";
    clearInterval(this.renewer);
    this.metrics.leaseOps.inc({ bucket: this.kv.bucket, op: "renew", result: "lost" });
    this.log.warn({ reason }, "lease lost");
    this.lostController.abort(new Error(`lease ${this.kv.bucket}/${this.key} lost: ${reason}`));
  }
}
