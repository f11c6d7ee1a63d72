// GET /nodes/{node}/pressure: a node's memory pressure from the analyzer's telemetry windows (collector samples
// and kernel events; no call to the collector on the request path): PSI, MemAvailable, swap and its trend, swap
// stall latency, OOM kills by scope with their victims, and an overall judgement with the same thresholds as
// the kernel analyzers. Recency is judged in cluster time; 404 when neither the cache nor the telemetry knows
// the node, 503 when it has no collector sample in the window (with what to check).
import { type NodePressure, type NodeSampleMessage, subjectToken } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { memoryThresholds } from "../telemetry/memory-thresholds.js";
import { isOomKill, oomKillCount, oomScopeOf, oomVictimRssBytes } from "../telemetry/oom-kills.js";
import { recentKernelEvents, recentNodeSamples, telemetryWindows, windowText } from "../telemetry/recent-telemetry.js";
import { swapLatency } from "../telemetry/swap-latency.js";
import { swapTrend } from "../telemetry/swap-trend.js";
import { formatDuration } from "./durations.js";

export type NodePressureResult = { kind: "ok"; data: NodePressure } | { kind: "not_found" } | { kind: "unavailable"; reason: string };

const MAX_VICTIMS = 50;
const MiB = 1024 * 1024;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const clampPercent = (v: number) => Math.min(100, Math.max(0, round(v)));

function unavailable(ctx: AnalysisContext, nodeName: string): NodePressureResult {
  const windowMs = telemetryWindows(ctx).samplesMs;
  const newest = ctx.telemetry.nodeSamples(nodeName).at(-1);
  const what = newest
    ? `the newest collector sample of node ${nodeName} is from ${newest.ts}, ${formatDuration(ctx.now - Date.parse(newest.ts))} before cluster time, outside the ${windowText(windowMs)} window`
    : `no collector sample of node ${nodeName} in the last ${windowText(windowMs)}`;
  return {
    kind: "unavailable",
    reason:
      `${what}: check that the vigil-collector DaemonSet runs on the node ` +
      `(kubectl -n vigil get pods -l app.kubernetes.io/name=vigil-collector --field-selector spec.nodeName=${nodeName}), ` +
      `that it publishes (COLLECTOR_PUBLISH) to vigil.metrics.node.${subjectToken(nodeName)}, and that the node's clock agrees with the cluster's`,
  };
}

function judge(data: Omit<NodePressure, "pressure" | "reasons">): { pressure: NodePressure["pressure"]; reasons: string[] } {
  const t = memoryThresholds;
  const critical: string[] = [];
  const warning: string[] = [];
  if (data.psi) {
    const { some, full } = data.psi;
    if ((full?.avg60 ?? 0) >= t.psi.fullAvg60Critical) critical.push(`PSI memory full avg60 ${full!.avg60}% ≥ ${t.psi.fullAvg60Critical}%`);
    else if (some.avg60 >= t.psi.someAvg60Critical) critical.push(`PSI memory some avg60 ${some.avg60}% ≥ ${t.psi.someAvg60Critical}%`);
    else if (some.avg60 >= t.psi.someAvg60Warning) warning.push(`PSI memory some avg60 ${some.avg60}% ≥ ${t.psi.someAvg60Warning}%`);
    else if (some.avg10 >= t.psi.someAvg10Warning) warning.push(`PSI memory some avg10 ${some.avg10}% ≥ ${t.psi.someAvg10Warning}%`);
  }
  const avail = data.memory.availablePercent;
  if (avail !== undefined && avail < t.available.criticalPercent)
    critical.push(`MemAvailable ${avail}% < ${t.available.criticalPercent}% of MemTotal`);
  else if (avail !== undefined && avail < t.available.warningPercent)
    warning.push(`MemAvailable ${avail}% < ${t.available.warningPercent}% of MemTotal`);
  if (data.swap.trend === "rising") {
    const text = `swap used rising by ${Math.round(data.swap.slopeBytesPerMinute / MiB)}Mi/min`;
    ((data.swap.usedPercent ?? 0) >= t.swap.usedRatioCritical * 100 ? critical : warning).push(text);
  }
  const stalls = data.swapStalls;
  if (stalls && stalls.faults >= t.swapStalls.minFaults && stalls.p99Us >= t.swapStalls.p99WarningUs) {
    (stalls.p99Us >= t.swapStalls.p99CriticalUs ? critical : warning).push(
      `swap-in fault p99 ${stalls.p99Us} µs over ${stalls.faults} faults`,
    );
  }
  if (data.oomKills.node > 0)
    critical.push(`${data.oomKills.node} node-wide OOM kill${data.oomKills.node === 1 ? "" : "s"} (global OOM killer)`);
  return { pressure: critical.length ? "critical" : warning.length ? "warning" : "none", reasons: [...critical, ...warning] };
}

function memoryOf(samples: readonly NodeSampleMessage[]): NodePressure["memory"] {
  const newest = samples[samples.length - 1]!;
  const total = newest.memory?.["MemTotal"];
  const available = newest.memory?.["MemAvailable"];
  const all = samples.map((s) => s.memory?.["MemAvailable"]).filter((v): v is number => v !== undefined);
  return {
    ...(total !== undefined ? { totalBytes: total } : {}),
    ...(available !== undefined ? { availableBytes: available } : {}),
    ...(total && available !== undefined ? { availablePercent: clampPercent((available / total) * 100) } : {}),
    ...(all.length ? { minAvailableBytes: Math.min(...all) } : {}),
  };
}

export function nodePressureView(ctx: AnalysisContext, nodeName: string): NodePressureResult {
  const known = ctx.cache.get({ kind: "Node", name: nodeName }) !== undefined || ctx.telemetry.nodes().includes(nodeName);
  if (!known) return { kind: "not_found" };
  const samples = recentNodeSamples(ctx, nodeName);
  if (samples.length === 0) return unavailable(ctx, nodeName);
  const windows = telemetryWindows(ctx);
  const newest = samples[samples.length - 1]!;
  const psi = [...samples].reverse().find((s) => s.psi?.memory)?.psi?.memory;
  const trend = swapTrend(samples);
  const stalls = swapLatency(recentKernelEvents(ctx, nodeName, { type: "swap_fault_latency" }));
  const kills = recentKernelEvents(ctx, nodeName, { type: "oom_kill" }).filter(isOomKill);
  const count = (scope: "container" | "node" | undefined) =>
    kills.filter((e) => oomScopeOf(e) === scope).reduce((n, e) => n + oomKillCount(e), 0);
  const body: Omit<NodePressure, "pressure" | "reasons"> = {
    nodeName,
    timestamp: new Date(ctx.now).toISOString(),
    window: { samplesSeconds: windows.samplesMs / 1000, kernelEventsSeconds: windows.kernelEventsMs / 1000 },
    sample: {
      id: newest.id,
      at: newest.ts,
      ageSeconds: round((ctx.now - Date.parse(newest.ts)) / 1000, 1),
      samplesInWindow: samples.length,
    },
    ...(psi ? { psi: { some: psi.some, ...(psi.full ? { full: psi.full } : {}) } } : {}),
    memory: memoryOf(samples),
    swap: {
      enabled: (trend.totalBytes ?? 0) > 0,
      ...(trend.totalBytes !== undefined ? { totalBytes: trend.totalBytes } : {}),
      ...(trend.usedBytes !== undefined ? { usedBytes: trend.usedBytes } : {}),
      ...(trend.usedRatio !== undefined ? { usedPercent: clampPercent(trend.usedRatio * 100) } : {}),
      trend: trend.trend,
      slopeBytesPerMinute: Math.round(trend.slopeBytesPerMinute),
      rangeBytes: trend.rangeBytes,
      residualStdDevBytes: Math.round(trend.residualStdDevBytes),
      peakSwapIoPagesPerSecond: trend.peakSwapIoPagesPerSecond,
      samples: trend.samples,
      enoughData: trend.enoughData,
    },
    ...(stalls
      ? {
          swapStalls: {
            events: stalls.events,
            faults: stalls.faults,
            ...(stalls.faultsPerSecond !== undefined ? { faultsPerSecond: round(stalls.faultsPerSecond) } : {}),
            p50Us: stalls.p50Us,
            p99Us: stalls.p99Us,
            maxUs: stalls.maxUs,
            modeBucket: stalls.modeBucket,
          },
        }
      : {}),
    oomKills: {
      container: count("container"),
      node: count("node"),
      unknownScope: count(undefined),
      victims: kills
        .slice(-MAX_VICTIMS)
        .reverse()
        .map((e) => {
          const scope = oomScopeOf(e);
          const rss = oomVictimRssBytes(e);
          const reason = e.data["scopeReason"];
          return {
            kernelEventId: e.id,
            at: e.observedAt,
            ...(scope ? { scope } : {}),
            ...(e.pid !== undefined ? { pid: e.pid } : {}),
            ...(e.comm ? { comm: e.comm } : {}),
            ...(e.pod?.namespace ? { namespace: e.pod.namespace } : {}),
            ...(e.pod?.name ? { pod: e.pod.name } : {}),
            ...(e.container?.name ? { container: e.container.name } : {}),
            ...(rss !== undefined ? { rssBytes: rss } : {}),
            ...(typeof reason === "string" ? { reason } : {}),
          };
        }),
    },
  };
  return { kind: "ok", data: { ...body, ...judge(body) } };
}
