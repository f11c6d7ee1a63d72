// A node's memory over the last minutes, from the collector samples the telemetry windows hold: available vs
// total, swap used and its trend, vmstat rates (swap in/out, major faults) and PSI memory stalls. The series is
// downsampled to at most MAX_POINTS points, each the worst of its slice (least available, most swap, highest
// rates), so a short dip survives the downsampling. The overall judgement uses the pressure view's thresholds.
import { type AnalysisContext, nodePressureView, swapTrend, swapUsed, telemetryWindows, windowText } from "@vigil/analysis";
import type { NodeSampleMessage } from "@vigil/contracts";
import { z } from "zod";
import { defineTool, ToolInputError } from "../../tool-definition.js";

const MAX_POINTS = 20;
const MiB = 1024 * 1024;

const input = z.object({
  node: z.string().min(1).describe("Node name, e.g. worker-1"),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15)
    .describe("How far back to look (default 15; the collector window usually holds 15 minutes)"),
});

const mib = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.round(bytes / MiB));
const round = (v: number | undefined, digits = 2) => (v === undefined ? undefined : Math.round(v * 10 ** digits) / 10 ** digits);
const maxOf = (values: Array<number | undefined>) => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.max(...defined) : undefined;
};
const minOf = (values: Array<number | undefined>) => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
};

const averages = (p: { avg10: number; avg60: number; avg300: number }) => ({
  avg10: round(p.avg10),
  avg60: round(p.avg60),
  avg300: round(p.avg300),
});

/** Leaves out undefined fields: the model reads less. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function point(slice: readonly NodeSampleMessage[]) {
  const last = slice[slice.length - 1]!;
  const total = last.memory?.["MemTotal"];
  const available = minOf(slice.map((s) => s.memory?.["MemAvailable"]));
  return compact({
    at: last.ts,
    availableMiB: mib(available),
    availablePercent: total && available !== undefined ? round((available / total) * 100, 1) : undefined,
    swapUsedMiB: mib(maxOf(slice.map((s) => swapUsed(s)?.used))),
    swapInPagesPerSec: round(maxOf(slice.map((s) => s.vmstat?.["pswpin"]))),
    swapOutPagesPerSec: round(maxOf(slice.map((s) => s.vmstat?.["pswpout"]))),
    majorFaultsPerSec: round(maxOf(slice.map((s) => s.vmstat?.["pgmajfault"]))),
    psiSomeAvg10: round(maxOf(slice.map((s) => s.psi?.memory?.some.avg10))),
    psiFullAvg10: round(maxOf(slice.map((s) => s.psi?.memory?.full?.avg10))),
  });
}

/** At most MAX_POINTS slices of consecutive samples, oldest first. */
function downsample(samples: readonly NodeSampleMessage[]) {
  const size = Math.ceil(samples.length / MAX_POINTS);
  const points = [];
  for (let i = 0; i < samples.length; i += size) points.push(point(samples.slice(i, i + size)));
  return points;
}

function noTelemetry(ctx: AnalysisContext, node: string, minutes: number): never {
  const known = ctx.cache.get({ kind: "Node", name: node }) !== undefined || ctx.telemetry.nodes().includes(node);
  if (!known) throw new ToolInputError(`unknown node ${node}: no Node object in the cluster and no telemetry from it`);
  const newest = ctx.telemetry.nodeSamples(node).at(-1);
  const held = windowText(telemetryWindows(ctx).samplesMs);
  throw new ToolInputError(
    `no telemetry for node ${node} in the last ${minutes}m` +
      (newest ? ` (its newest collector sample is from ${newest.ts})` : ` (no collector sample of it in the ${held} window)`) +
      ": is the vigil-collector DaemonSet running on it?",
  );
}

export const nodeMemoryTrendTool = defineTool({
  name: "node_memory_trend",
  title: "Node memory trend",
  description:
    "A node's memory over the last minutes from collector samples: available vs total (MiB, %), swap used and its trend " +
    "(flat | spiky | rising), swap in/out and major-fault rates, PSI memory some/full, as a series of at most 20 points " +
    "(each the worst of its slice), with peaks and the pressure judgement (none | warning | critical) and its reasons.",
  input,
  run(ctx, { node, minutes }) {
    const a = ctx.analysis();
    const samples = a.telemetry.nodeSamples(node, a.now - minutes * 60_000);
    if (samples.length === 0) noTelemetry(a, node, minutes);
    const newest = samples[samples.length - 1]!;
    const trend = swapTrend(samples);
    const pressure = nodePressureView(a, node);
    const psi = newest.psi?.memory;
    return Promise.resolve({
      node,
      window: { minutes, from: samples[0]!.ts, to: newest.ts, samples: samples.length },
      latest: compact({
        at: newest.ts,
        memTotalMiB: mib(newest.memory?.["MemTotal"]),
        memAvailableMiB: mib(newest.memory?.["MemAvailable"]),
        psiMemorySome: psi ? averages(psi.some) : undefined,
        psiMemoryFull: psi?.full ? averages(psi.full) : undefined,
      }),
      swap: compact({
        enabled: (trend.totalBytes ?? 0) > 0,
        totalMiB: mib(trend.totalBytes),
        usedMiB: mib(trend.usedBytes),
        usedPercent: trend.usedRatio === undefined ? undefined : round(trend.usedRatio * 100, 1),
        trend: trend.trend,
        slopeMiBPerMinute: round(trend.slopeBytesPerMinute / MiB),
        enoughData: trend.enoughData,
      }),
      peaks: compact({
        minAvailableMiB: mib(minOf(samples.map((s) => s.memory?.["MemAvailable"]))),
        maxSwapInPagesPerSec: round(maxOf(samples.map((s) => s.vmstat?.["pswpin"]))),
        maxSwapOutPagesPerSec: round(maxOf(samples.map((s) => s.vmstat?.["pswpout"]))),
        maxMajorFaultsPerSec: round(maxOf(samples.map((s) => s.vmstat?.["pgmajfault"]))),
        maxPsiSomeAvg60: round(maxOf(samples.map((s) => s.psi?.memory?.some.avg60))),
        maxPsiFullAvg60: round(maxOf(samples.map((s) => s.psi?.memory?.full?.avg60))),
      }),
      ...(pressure.kind === "ok" ? { pressure: pressure.data.pressure, reasons: pressure.data.reasons } : {}),
      series: downsample(samples),
    });
  },
});
