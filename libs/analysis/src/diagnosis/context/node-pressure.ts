// Memory pressure of the node an incident runs on, from the telemetry windows (collector samples and kernel
// events): the latest MemAvailable and PSI memory some avg10, the swap trend over the window, and OOM kills
// by scope. Absent when the node has no sample in the window (no collector there).
import type { DiagnosisContext, NodeSampleMessage } from "@vigil/contracts";
import type { TelemetryView } from "../../telemetry/telemetry-view.js";

type NodePressure = NonNullable<DiagnosisContext["nodePressure"]>;
type SwapTrend = NonNullable<NodePressure["swapTrend"]>;

/** Swap movements smaller than this are noise (a few pages in and out), whatever the swap size. */
const SWAP_NOISE_BYTES = 64 * 1024 * 1024;

const swapUsed = (s: NodeSampleMessage): number | undefined => {
  const total = s.memory?.["SwapTotal"];
  const free = s.memory?.["SwapFree"];
  return total !== undefined && free !== undefined ? Math.max(0, total - free) : undefined;
};

/**
 * flat: swap used moved less than the noise floor (or 5% of swap) across the window; rising: a least-squares
 * line explains most of the movement (R² ≥ 0.6) and climbs by more than that floor; spiky: it moved that much
 * but not steadily up (bursts that come back). Undefined with fewer than 3 samples carrying swap counters.
 */
export function swapTrend(samples: readonly NodeSampleMessage[]): SwapTrend | undefined {
  const points = samples.flatMap((s) => {
    const used = swapUsed(s);
    const t = Date.parse(s.ts);
    return used !== undefined && Number.isFinite(t) ? [{ t, used, total: s.memory?.["SwapTotal"] ?? 0 }] : [];
  });
  if (points.length < 3) return undefined;
  const floor = Math.max(SWAP_NOISE_BYTES, 0.05 * Math.max(...points.map((p) => p.total)));
  const values = points.map((p) => p.used);
  if (Math.max(...values) - Math.min(...values) < floor) return "flat";
  const n = points.length;
  const t0 = points[0]!.t;
  const xs = points.map((p) => (p.t - t0) / 1000);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = values.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (values[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (values[i]! - my) ** 2;
  });
  if (sxx === 0 || syy === 0) return "flat";
  const slope = sxy / sxx;
  const r2 = (sxy * sxy) / (sxx * syy);
  const climb = slope * (xs[n - 1]! - xs[0]!);
  return slope > 0 && r2 >= 0.6 && climb >= floor ? "rising" : "spiky";
}

export function nodePressureOf(node: string, telemetry: TelemetryView): NodePressure | undefined {
  const samples = telemetry.nodeSamples(node);
  const latest = samples[samples.length - 1];
  if (!latest) return undefined;
  const memAvailable = latest.memory?.["MemAvailable"];
  const psi = latest.psi?.memory?.some.avg10;
  const trend = swapTrend(samples);
  const ooms = telemetry.kernelEvents(node, { type: "oom_kill" });
  const nodeScope = ooms.filter((e) => e.data["scope"] === "node").length;
  return {
    node,
    ...(memAvailable !== undefined ? { memAvailableBytes: memAvailable } : {}),
    ...(psi !== undefined && psi >= 0 ? { psiMemorySomeAvg10: psi } : {}),
    ...(trend ? { swapTrend: trend } : {}),
    oomKills: { container: ooms.length - nodeScope, node: nodeScope },
  };
}
