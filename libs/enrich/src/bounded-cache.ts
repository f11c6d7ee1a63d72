// A size-bounded memo for the hot path. Two generations instead of a true LRU: a get is one or two Map
// lookups and nothing moves on a hit in the young generation, while entries unused for a whole generation
// are dropped wholesale. At 20,000 events/s over a node's few hundred cgroups every live key stays young.

export class BoundedCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  /** Holds at least `max / 2` and at most `max` entries. */
  constructor(max: number) {
    this.generation = Math.max(1, Math.floor(max / 2));
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o); // still in use: carry it into the young generation
    return o;
  }

  set(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  /** Entries held (a key promoted from the old generation counts once per generation). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
