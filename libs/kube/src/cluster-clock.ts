// The cluster's idea of "now". Analyses compare object and event times with it, never with this process's
// clock: a node's clock may be skewed, and a simulated cluster's time may be virtual (hours ahead after a
// warm-up). Two sources, the later wins:
// - the API server's Date header (its wall clock, to the second), seen on every request KubeClient makes,
//   refreshed in the background by a cheap GET /version when nothing else asked for a while;
// - the newest timestamp seen on a cached object (an event's lastTimestamp, a node heartbeat), so a
//   virtual clock that jumped is followed as soon as the watch delivers what happened after the jump.
// Between observations it runs at this process's rate from the last one.

/** How long an answer may take to arrive and its Date header still be read as agreeing with the local clock. */
const IN_FLIGHT_MS = 100;

export interface ClusterClockOptions {
  /** This process's clock (tests inject one). */
  localNow?: () => number;
}

export class ClusterClock {
  /** Cluster time minus local time, from the last Date header. */
  private offsetMs = 0;
  private dateSeenAt: number | undefined;
  /** Newest object timestamp seen, and the local time it was seen at. */
  private newest: { at: number; seenAt: number } | undefined;
  private readonly localNow: () => number;

  constructor(options: ClusterClockOptions = {}) {
    this.localNow = options.localNow ?? Date.now;
  }

  /** Cluster time in epoch ms. */
  now(): number {
    const local = this.localNow();
    const fromHeader = local + this.offsetMs;
    if (!this.newest) return fromHeader;
    // An object timestamp ages at the local rate from when it was seen.
    return Math.max(fromHeader, this.newest.at + (local - this.newest.seenAt));
  }

  /** Cluster time as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /** Local ms since the API server last told its time (undefined: never). */
  sinceServerDate(): number | undefined {
    return this.dateSeenAt === undefined ? undefined : this.localNow() - this.dateSeenAt;
  }

  /**
   * An HTTP Date header from the API server. It has whole seconds, so the true time is in [t, t+1s): the local
   * clock when it falls in that second, else the middle of that second is the best estimate.
   */
  observeServerDate(header: string | undefined): void {
    if (!header) return;
    const at = Date.parse(header);
    if (!Number.isFinite(at)) return;
    const local = this.localNow();
    // A local clock inside the header's second (a little past it: the answer took time to arrive) agrees with the
    // server better than the header can say: keep it. The middle of the second would put up to ±0.5 s of error on
    // every synchronised host, enough to run work due on the cluster clock early.
    this.offsetMs = local >= at && local < at + 1000 + IN_FLIGHT_MS ? 0 : at + 500 - local;
    this.dateSeenAt = local;
    // A header that moved the clock backwards (a virtual clock reset, a skew correction) outranks older objects.
    if (this.newest && at + 1000 < this.newest.at + (local - this.newest.seenAt)) this.newest = undefined;
  }

  /** A timestamp carried by an object just received (it cannot be in the cluster's future). */
  observeObjectTime(at: Date | string | number | undefined): void {
    if (at === undefined) return;
    const ms = at instanceof Date ? at.getTime() : typeof at === "number" ? at : Date.parse(at);
    if (!Number.isFinite(ms)) return;
    const local = this.localNow();
    if (!this.newest || ms > this.newest.at + (local - this.newest.seenAt)) this.newest = { at: ms, seenAt: local };
  }
}
