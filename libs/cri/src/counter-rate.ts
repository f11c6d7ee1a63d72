interface Reading {
  value: bigint;
  atNs: bigint;
  seen: boolean;
}

/**
 * Per-second rates of cumulative counters between consecutive samples, keyed by whatever identifies the
 * counter (container id + field). Values and timestamps are bigint: CRI timestamps are epoch nanoseconds,
 * beyond Number's exact range, and subtracting two rounded ones would be off by up to 256 ns.
 */
export class CounterRates {
  private readings = new Map<string, Reading>();

  /**
   * The rate since the previous reading of `key`, per second; undefined for the first reading, after the
   * counter went backwards (restart, wrap: the new value becomes the baseline), or when the timestamp did
   * not advance (a runtime serving cached stats: the old baseline is kept so the next window is longer).
   */
  rate(key: string, value: bigint, atNs: bigint): number | undefined {
    const prev = this.readings.get(key);
    if (prev && atNs <= prev.atNs) {
      prev.seen = true;
      return undefined;
    }
    this.readings.set(key, { value, atNs, seen: true });
    if (!prev || value < prev.value) return undefined;
    return (Number(value - prev.value) * 1e9) / Number(atNs - prev.atNs);
  }

  /** Forgets counters under `prefix` not read since the last sweep (containers and pods that are gone). */
  sweep(prefix: string): void {
    for (const [key, reading] of this.readings) {
      if (!key.startsWith(prefix)) continue;
      if (reading.seen) reading.seen = false;
      else this.readings.delete(key);
    }
  }

  get size(): number {
    return this.readings.size;
  }
}
