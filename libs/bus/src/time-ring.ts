// A time-windowed history: items older than the window fall out, whatever their number (Konverse kept a fixed
// count, which is not "the last 15 minutes" once the sampling rate changes). Ids are numeric and increasing
// (a JetStream stream sequence, a sample time), so a reader can resume after one (SSE `Last-Event-ID`) and a
// redelivered item is recognised. "Now" is the caller's: the wall clock by default, or the newest item's time
// when items carry a producer's clock (NodeTelemetry), so a stopped producer's last window is kept.

export interface RingEntry<T> {
  /** Increasing id: the SSE `id:` of this item. */
  id: number;
  /** Epoch ms the item describes (sample time, event time). */
  at: number;
  value: T;
}

export class TimeRing<T> {
  private entries: RingEntry<T>[] = [];
  private head = 0;

  constructor(
    readonly windowMs: number,
    /** A hard cap as well, so a flood of events cannot grow memory without bound inside the window. */
    private readonly maxItems = 100_000,
  ) {}

  get size(): number {
    return this.entries.length - this.head;
  }

  get lastId(): number | undefined {
    return this.entries[this.entries.length - 1]?.id;
  }

  /** Appends an item; an id not above the last one is ignored (a redelivered event), so pushes are idempotent. */
  push(id: number, at: number, value: T, now = Date.now()): boolean {
    const last = this.lastId;
    if (last !== undefined && id <= last) return false;
    this.entries.push({ id, at, value });
    this.prune(now);
    return true;
  }

  prune(now = Date.now()): void {
    const oldest = now - this.windowMs;
    while (this.head < this.entries.length && (this.entries[this.head]!.at < oldest || this.size > this.maxItems)) this.head++;
    // Compact now and then instead of shifting on every push.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Items at or after `fromMs`, oldest first; the newest `limit` of them when given. */
  since(fromMs: number, limit?: number, now = Date.now()): RingEntry<T>[] {
    this.prune(now);
    const out: RingEntry<T>[] = [];
    for (let i = this.head; i < this.entries.length; i++) if (this.entries[i]!.at >= fromMs) out.push(this.entries[i]!);
    return limit !== undefined && out.length > limit ? out.slice(out.length - limit) : out;
  }

  /** Items with an id above `id`, oldest first (SSE resume). */
  after(id: number): RingEntry<T>[] {
    const out: RingEntry<T>[] = [];
    // Ids increase: walk back from the end until we pass `id`.
    let i = this.entries.length - 1;
    while (i >= this.head && this.entries[i]!.id > id) i--;
    for (let j = i + 1; j < this.entries.length; j++) out.push(this.entries[j]!);
    return out;
  }
}
