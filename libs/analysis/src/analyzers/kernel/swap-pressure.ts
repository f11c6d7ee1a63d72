// NODE_SWAP_PRESSURE: swap used keeps rising across the sample window (the "rising" trend of swap-trend.ts): the
// node's memory demand grows beyond RAM, a leak or an overcommit that will end in stalls, evictions or the OOM
// killer. Spiky or flat swap is not a finding (the pressure view still shows it).
import type { V1Node } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { refOf, sampleEvidence } from "../../evidence.js";
import { memoryThresholds } from "../../telemetry/memory-thresholds.js";
import { recentNodeSamples } from "../../telemetry/recent-telemetry.js";
import { swapTrend, swapUsed } from "../../telemetry/swap-trend.js";

const MiB = 1024 * 1024;
const mib = (b: number) => `${Math.round(b / MiB)}Mi`;

function swapPressure(node: V1Node, ctx: AnalysisContext): FindingDraft[] {
  const name = node.metadata?.name;
  if (!name) return [];
  const samples = recentNodeSamples(ctx, name);
  const trend = swapTrend(samples);
  if (trend.trend !== "rising") return [];
  const withSwap = samples.filter((s) => swapUsed(s));
  const first = withSwap[0]!;
  const last = withSwap[withSwap.length - 1]!;
  const cite = (s: typeof first, what: string) =>
    sampleEvidence({
      summary: `${what} swap used on ${name}: ${mib(swapUsed(s)!.used)}`,
      metric: "memory.SwapUsed",
      value: swapUsed(s)!.used,
      unit: "bytes",
      node: name,
      sampleId: s.id,
      at: s.ts,
    });
  const ratio = trend.usedRatio ?? 0;
  return [
    {
      code: "NODE_SWAP_PRESSURE",
      severity: ratio >= memoryThresholds.swap.usedRatioCritical ? "critical" : "warning",
      resource: refOf(node),
      summary: `Swap used on node ${name} is rising: +${mib(trend.fittedGrowthBytes)} in ${Math.round(trend.spanMs / 60_000)} min (${mib(trend.slopeBytesPerMinute)}/min), now ${mib(trend.usedBytes ?? 0)} of ${mib(trend.totalBytes ?? 0)}`,
      detail:
        `Least-squares trend over ${trend.samples} samples: ${mib(trend.slopeBytesPerMinute)}/min, scatter ±${mib(trend.residualStdDevBytes)}. ` +
        `Memory demand on the node keeps growing beyond RAM; once swap fills, the OOM killer runs.`,
      evidence: [cite(first, "oldest"), cite(last, "newest")],
      hypotheses: [
        {
          statement: `Memory demand on node ${name} keeps growing (a leaking or unlimited workload), pushing pages to swap`,
          confidence: 0.6,
          actions: ["migrate_workload"],
        },
      ],
    },
  ];
}

export const nodeSwapPressureAnalyzer = defineAnalyzer({ name: "node-swap-pressure", area: "kernel", kind: "Node", analyze: swapPressure });
