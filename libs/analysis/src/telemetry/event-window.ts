// Events of one node, ordered by the time they happened, unique by message id. Several producers write them
// (eBPF tracers, cgroup counters, HTTP posts), so they may arrive out of order: each is inserted at its place.
// A redelivered event (same id) is ignored while it is in the window, which makes adding idempotent.

interface Keyed<T> {
  id: string;
  at: number;
  value: T;
}

export class EventWindow<T> {
  private items: Keyed<T>[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly maxItems: number) {}

  get size(): number {
    return this.items.length;
  }

  get newestAt(): number | undefined {
    return this.items[this.items.length - 1]?.at;
  }

  /** Adds an event; false when its id is already in the window. */
  add(id: string, at: number, value: T): boolean {
    if (this.ids.has(id)) return false;
    // Almost always appended: walk back from the end only past newer events.
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.at > at) i--;
    this.items.splice(i, 0, { id, at, value });
    this.ids.add(id);
    if (this.items.length > this.maxItems) this.dropOldest(this.items.length - this.maxItems);
    return true;
  }

  /** Drops events that happened before `oldestAt`. */
  prune(oldestAt: number): void {
    let drop = 0;
    while (drop < this.items.length && this.items[drop]!.at < oldestAt) drop++;
    this.dropOldest(drop);
  }

  /** Events at or after `fromMs` (all when undefined), oldest first, optionally filtered. */
  since(fromMs: number | undefined, keep?: (value: T) => boolean): T[] {
    const out: T[] = [];
    for (const item of this.items) {
      if ((fromMs === undefined || item.at >= fromMs) && (!keep || keep(item.value))) out.push(item.value);
    }
    return out;
  }

  private dropOldest(count: number): void {
    if (count <= 0) return;
    for (const gone of this.items.splice(0, count)) this.ids.delete(gone.id);
  }
}
