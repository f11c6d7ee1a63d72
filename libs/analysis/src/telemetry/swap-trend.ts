// The trend of swap used across a node's sample window: flat, spiky or rising, defined precisely (thresholds in
// memory-thresholds.ts). Rising is a least-squares line through (time, swap used) that climbs by a minimum amount
// and clearly more than the scatter around it; spiky is a large range or bursts of swap I/O without that
// steady climb; flat is everything else. Konverse's playbook named the three words but never defined them.
import type { NodeSampleMessage } from "@vigil/contracts";
import { memoryThresholds } from "./memory-thresholds.js";

export type SwapTrendName = "flat" | "spiky" | "rising";

export interface SwapTrend {
  trend: SwapTrendName;
  /** Samples with both SwapTotal and SwapFree. */
  samples: number;
  spanMs: number;
  /** Swap used at the newest sample, and its share of SwapTotal (0 when no swap is configured). */
  usedBytes?: number;
  totalBytes?: number;
  usedRatio?: number;
  /** Least-squares slope (bytes per minute), its growth across the span, the residuals' standard deviation. */
  slopeBytesPerMinute: number;
  fittedGrowthBytes: number;
  residualStdDevBytes: number;
  /** max − min of swap used in the window. */
  rangeBytes: number;
  /** Highest pswpin + pswpout rate seen (pages/s). */
  peakSwapIoPagesPerSecond: number;
  /** False when there were too few samples or too short a span to judge: the trend is then "flat". */
  enoughData: boolean;
}

interface Point {
  at: number;
  used: number;
}

export function swapUsed(s: NodeSampleMessage): { used: number; total: number } | undefined {
  const total = s.memory?.["SwapTotal"];
  const free = s.memory?.["SwapFree"];
  if (total === undefined || free === undefined) return undefined;
  return { used: Math.max(0, total - free), total };
}

export function swapTrend(samples: readonly NodeSampleMessage[]): SwapTrend {
  const t = memoryThresholds.swap;
  const points: Point[] = [];
  let peakIo = 0;
  let newest: { used: number; total: number } | undefined;
  for (const s of samples) {
    const io = (s.vmstat?.["pswpin"] ?? 0) + (s.vmstat?.["pswpout"] ?? 0);
    if (io > peakIo) peakIo = io;
    const u = swapUsed(s);
    if (!u) continue;
    points.push({ at: Date.parse(s.ts), used: u.used });
    newest = u;
  }
  const spanMs = points.length > 1 ? points[points.length - 1]!.at - points[0]!.at : 0;
  const { slope, residualStd } = leastSquares(points);
  const growth = slope * spanMs;
  const used = points.map((p) => p.used);
  const range = used.length ? Math.max(...used) - Math.min(...used) : 0;
  const enoughData = points.length >= t.minTrendSamples && spanMs >= t.minTrendSpanMs;
  let trend: SwapTrendName = "flat";
  if (enoughData && growth >= t.risingMinBytes && growth >= t.risingMinSignalToNoise * residualStd) trend = "rising";
  else if (enoughData && (range >= t.spikyMinRangeBytes || peakIo >= t.spikySwapIoPagesPerSecond)) trend = "spiky";
  return {
    trend,
    samples: points.length,
    spanMs,
    ...(newest ? { usedBytes: newest.used, totalBytes: newest.total, usedRatio: newest.total > 0 ? newest.used / newest.total : 0 } : {}),
    slopeBytesPerMinute: slope * 60_000,
    fittedGrowthBytes: growth,
    residualStdDevBytes: residualStd,
    rangeBytes: range,
    peakSwapIoPagesPerSecond: peakIo,
    enoughData,
  };
}

/** Slope (bytes per ms) of the least-squares line, and the standard deviation of the points around it. */
function leastSquares(points: readonly Point[]): { slope: number; residualStd: number } {
  const n = points.length;
  if (n < 2) return { slope: 0, residualStd: 0 };
  const t0 = points[0]!.at;
  let sumT = 0;
  let sumU = 0;
  for (const p of points) {
    sumT += p.at - t0;
    sumU += p.used;
  }
  const meanT = sumT / n;
  const meanU = sumU / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    const dt = p.at - t0 - meanT;
    sxx += dt * dt;
    sxy += dt * (p.used - meanU);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  let sse = 0;
  for (const p of points) {
    const r = p.used - (meanU + slope * (p.at - t0 - meanT));
    sse += r * r;
  }
  return { slope, residualStd: Math.sqrt(sse / n) };
}
