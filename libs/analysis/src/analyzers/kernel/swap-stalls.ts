// NODE_SWAP_STALLS: swap-in page faults are slow (swap_fault_latency histograms from the eBPF swap tracer): any
// task touching swapped-out memory stalls for milliseconds per page, which shows up as latency spikes and
// timeouts long before memory runs out.
import type { V1Node } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { kernelEventEvidence, refOf } from "../../evidence.js";
import { memoryThresholds } from "../../telemetry/memory-thresholds.js";
import { recentKernelEvents, telemetryWindows, windowText } from "../../telemetry/recent-telemetry.js";
import { swapLatency } from "../../telemetry/swap-latency.js";
import { MAX_CITED_EVENTS } from "./kernel-evidence.js";

const msText = (us: number) => (us >= 1000 ? `${Math.round(us / 100) / 10} ms` : `${us} µs`);

function swapStalls(node: V1Node, ctx: AnalysisContext): FindingDraft[] {
  const name = node.metadata?.name;
  if (!name) return [];
  const events = recentKernelEvents(ctx, name, { type: "swap_fault_latency" });
  const latency = swapLatency(events);
  const t = memoryThresholds.swapStalls;
  if (!latency || latency.faults < t.minFaults || latency.p99Us < t.p99WarningUs) return [];
  const mode = latency.modeBucket;
  return [
    {
      code: "NODE_SWAP_STALLS",
      severity: latency.p99Us >= t.p99CriticalUs ? "critical" : "warning",
      resource: refOf(node),
      summary: `Swap-in faults on node ${name} are slow: p99 ${msText(latency.p99Us)}, p50 ${msText(latency.p50Us)} over ${latency.faults} faults in the last ${windowText(telemetryWindows(ctx).kernelEventsMs)}`,
      detail:
        `Most faults took ${mode.startUs}-${mode.endUs} µs; the slowest bucket reaches ${msText(latency.maxUs)}` +
        (latency.faultsPerSecond !== undefined ? `, at ${Math.round(latency.faultsPerSecond)} faults/s` : "") +
        `. Thresholds: p99 ≥ ${msText(t.p99WarningUs)} (warning), ≥ ${msText(t.p99CriticalUs)} (critical), with at least ${t.minFaults} faults.`,
      evidence: events
        .slice(-MAX_CITED_EVENTS)
        .map((e) => kernelEventEvidence(e, `swap_fault_latency histogram on ${name} at ${e.observedAt}`)),
      hypotheses: [
        {
          statement: `Node ${name} depends on swap for memory its workloads touch: each swap-in stalls the task for milliseconds`,
          confidence: 0.6,
          actions: ["migrate_workload"],
        },
      ],
    },
  ];
}

export const nodeSwapStallsAnalyzer = defineAnalyzer({ name: "node-swap-stalls", area: "kernel", kind: "Node", analyze: swapStalls });
