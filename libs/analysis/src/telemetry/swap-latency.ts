// Swap stall latency from swap_fault_latency events: each carries a log2 histogram of swap-in fault latencies
// over the producer's interval (Konverse's swaphist, `latency_distribution_us` → data.latencyDistributionUs with
// rangeStartUs / rangeEndUs / count). The window's histograms are summed, and percentiles are interpolated
// linearly inside the bucket where they fall: a log2 bucket is too coarse to report its upper bound as "p99".
import type { KernelEventMessage } from "@vigil/contracts";

export interface SwapLatencyBucket {
  startUs: number;
  endUs: number;
  count: number;
}

export interface SwapLatency {
  /** swap_fault_latency events in the window, and the faults they counted. */
  events: number;
  faults: number;
  /** Faults per second over the producers' intervals, when they said how long those were. */
  faultsPerSecond?: number;
  p50Us: number;
  p99Us: number;
  /** The upper bound of the slowest non-empty bucket. */
  maxUs: number;
  /** The bucket with the most faults: "stalling 512-1023 µs" in Konverse's playbook. */
  modeBucket: SwapLatencyBucket;
  buckets: SwapLatencyBucket[];
}

function bucketsOf(e: KernelEventMessage): SwapLatencyBucket[] {
  const raw = e.data["latencyDistributionUs"];
  if (!Array.isArray(raw)) return [];
  const out: SwapLatencyBucket[] = [];
  for (const b of raw as unknown[]) {
    if (typeof b !== "object" || b === null) continue;
    const { rangeStartUs, rangeEndUs, count } = b as Record<string, unknown>;
    if (typeof rangeStartUs === "number" && typeof rangeEndUs === "number" && typeof count === "number" && count > 0) {
      out.push({ startUs: rangeStartUs, endUs: Math.max(rangeStartUs, rangeEndUs), count });
    }
  }
  return out;
}

/** The latency of the window's swap-in faults; undefined when no event counted a fault. */
export function swapLatency(events: readonly KernelEventMessage[]): SwapLatency | undefined {
  const merged = new Map<number, SwapLatencyBucket>();
  let used = 0;
  let intervalS = 0;
  let allTimed = true;
  for (const e of events) {
    if (e.type !== "swap_fault_latency") continue;
    const buckets = bucketsOf(e);
    if (buckets.length === 0) continue;
    used++;
    const interval = e.data["intervalS"];
    if (typeof interval === "number" && interval > 0) intervalS += interval;
    else allTimed = false;
    for (const b of buckets) {
      const m = merged.get(b.startUs);
      if (m) m.count += b.count;
      else merged.set(b.startUs, { ...b });
    }
  }
  const buckets = [...merged.values()].sort((a, b) => a.startUs - b.startUs);
  const faults = buckets.reduce((n, b) => n + b.count, 0);
  if (faults === 0) return undefined;
  const mode = buckets.reduce((best, b) => (b.count > best.count ? b : best));
  return {
    events: used,
    faults,
    ...(allTimed && intervalS > 0 ? { faultsPerSecond: faults / intervalS } : {}),
    p50Us: percentile(buckets, faults, 0.5),
    p99Us: percentile(buckets, faults, 0.99),
    maxUs: buckets[buckets.length - 1]!.endUs,
    modeBucket: mode,
    buckets,
  };
}

function percentile(buckets: readonly SwapLatencyBucket[], total: number, q: number): number {
  const rank = q * total;
  let below = 0;
  for (const b of buckets) {
    if (below + b.count >= rank) {
      const within = b.count > 0 ? (rank - below) / b.count : 1;
      return Math.round(b.startUs + within * (b.endUs - b.startUs));
    }
    below += b.count;
  }
  return buckets[buckets.length - 1]!.endUs;
}
