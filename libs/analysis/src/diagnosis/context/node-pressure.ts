// Memory pressure of the node an incident runs on, from the telemetry windows (collector samples and kernel
// events): the latest MemAvailable and PSI memory some avg10, the swap trend over the window and OOM kills by
// scope, with the telemetry module's own definitions (swap-trend.ts, oom-kills.ts) so the diagnosis and the
// /nodes/{node}/pressure view agree. Absent when the node has no sample in the window (no collector there).
import type { DiagnosisContext } from "@vigil/contracts";
import { isOomKill, oomKillCount, oomScopeOf } from "../../telemetry/oom-kills.js";
import { swapTrend } from "../../telemetry/swap-trend.js";
import type { TelemetryView } from "../../telemetry/telemetry-view.js";

type NodePressure = NonNullable<DiagnosisContext["nodePressure"]>;

export function nodePressureOf(node: string, telemetry: TelemetryView): NodePressure | undefined {
  const samples = telemetry.nodeSamples(node);
  const latest = samples[samples.length - 1];
  if (!latest) return undefined;
  const memAvailable = latest.memory?.["MemAvailable"];
  const psi = latest.psi?.memory?.some.avg10;
  const swap = swapTrend(samples);
  const oomKills = { container: 0, node: 0 };
  for (const e of telemetry.kernelEvents(node, { type: "oom_kill" })) {
    if (!isOomKill(e)) continue;
    // An event of unknown scope counts as a container's: ebpf-ingest only leaves it out when no cgroup told.
    oomKills[oomScopeOf(e) === "node" ? "node" : "container"] += oomKillCount(e);
  }
  return {
    node,
    ...(memAvailable !== undefined ? { memAvailableBytes: memAvailable } : {}),
    ...(psi !== undefined && psi >= 0 ? { psiMemorySomeAvg10: psi } : {}),
    // Too few samples to judge is no trend at all, not "flat".
    ...(swap.enoughData ? { swapTrend: swap.trend } : {}),
    oomKills,
  };
}
