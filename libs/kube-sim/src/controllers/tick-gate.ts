// A controller that fails to create something retries with back-off on a real cluster and records one event per
// attempt. Here a pass can run many times at one instant, so failing work (and its event) is retried at most once
// per clock reading: otherwise every retry would write an event and the control plane would never settle.
export class TickGate {
  private readonly last = new Map<string, number>();

  /** True at most once per `now` for `key`. */
  allow(key: string, now: number): boolean {
    if (this.last.get(key) === now) return false;
    this.last.set(key, now);
    return true;
  }

  /** Whether `key` was already let through at `now`, without taking the slot. */
  blocked(key: string, now: number): boolean {
    return this.last.get(key) === now;
  }

  forget(key: string): void {
    this.last.delete(key);
  }
}

/** flowcontrol.Backoff: per-key exponential delay (DaemonSet failed pods, Job pod re-creation). */
export class Backoff {
  private readonly entries = new Map<string, { delay: number; at: number }>();

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  /** IsInBackOffSinceUpdate: the last attempt was less than the current delay ago. */
  inBackoff(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return !!e && now - e.at < e.delay;
  }

  /** Next: records an attempt and doubles the delay. */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    this.entries.set(key, { delay: e ? Math.min(e.delay * 2, this.maxMs) : this.initialMs, at: now });
  }

  reset(key: string): void {
    this.entries.delete(key);
  }
}

/** Lets a recurring report through at most once per interval per key (a controller's resync period). */
export class Throttle {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  allow(key: string, now: number): boolean {
    const t = this.last.get(key);
    if (t !== undefined && now - t < this.intervalMs) return false;
    this.last.set(key, now);
    return true;
  }
}
