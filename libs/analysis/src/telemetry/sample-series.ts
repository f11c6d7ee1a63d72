// One producer's samples of one node, oldest first, thinned to a minimum spacing so a window of 15 minutes at
// 1 Hz (the collector's rate) costs a few dozen samples, not 900, per node: trends and averages over minutes
// need no more, and the newest sample is always kept, so "now" is never older than the last sample received.
// Samples come from one producer per node in time order: one not newer than the newest is a redelivery (or a
// sample older than what we have), and is ignored, which makes adding idempotent.

export interface SampleSeriesOptions {
  /** Kept history has at least this much time between samples (the newest excepted). */
  spacingMs: number;
  /** Hard cap, whatever the spacing and window. */
  maxItems: number;
}

interface Timed<T> {
  at: number;
  value: T;
}

export class SampleSeries<T> {
  private items: Timed<T>[] = [];

  constructor(private readonly opts: SampleSeriesOptions) {}

  get size(): number {
    return this.items.length;
  }

  get newestAt(): number | undefined {
    return this.items[this.items.length - 1]?.at;
  }

  /** Adds a sample taken at `at`; false when it is not newer than the newest (a redelivery). */
  add(at: number, value: T): boolean {
    const n = this.items.length;
    if (n > 0 && at <= this.items[n - 1]!.at) return false;
    // The newest slot floats forward until it is `spacingMs` past the one before it; then the next sample appends.
    if (n >= 2 && this.items[n - 1]!.at - this.items[n - 2]!.at < this.opts.spacingMs) this.items[n - 1] = { at, value };
    else this.items.push({ at, value });
    if (this.items.length > this.opts.maxItems) this.items.splice(0, this.items.length - this.opts.maxItems);
    return true;
  }

  /** Drops samples taken before `oldestAt`. */
  prune(oldestAt: number): void {
    let drop = 0;
    while (drop < this.items.length && this.items[drop]!.at < oldestAt) drop++;
    if (drop > 0) this.items.splice(0, drop);
  }

  /** Samples taken at or after `fromMs` (all when undefined), oldest first. */
  since(fromMs?: number): T[] {
    const out: T[] = [];
    for (const item of this.items) if (fromMs === undefined || item.at >= fromMs) out.push(item.value);
    return out;
  }
}
