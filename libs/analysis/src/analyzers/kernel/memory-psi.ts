// NODE_MEMORY_PSI_HIGH: the node's memory pressure stall information says tasks lose real time waiting for
// memory (reclaim, swap-in, refaults), often minutes before the kubelet's MemoryPressure condition or any OOM.
// Judged on the newest recent sample: PSI's avg10/avg60 are already moving averages.
import type { V1Node } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { refOf, sampleEvidence } from "../../evidence.js";
import { memoryThresholds } from "../../telemetry/memory-thresholds.js";
import { recentNodeSamples } from "../../telemetry/recent-telemetry.js";

const pct = (v: number) => `${Math.round(v * 10) / 10}%`;

function memoryPsi(node: V1Node, ctx: AnalysisContext): FindingDraft[] {
  const name = node.metadata?.name;
  if (!name) return [];
  const sample = [...recentNodeSamples(ctx, name)].reverse().find((s) => s.psi?.memory);
  const psi = sample?.psi?.memory;
  if (!sample || !psi) return [];
  const t = memoryThresholds.psi;
  const full60 = psi.full?.avg60 ?? 0;
  const critical = full60 >= t.fullAvg60Critical || psi.some.avg60 >= t.someAvg60Critical;
  const warning = psi.some.avg60 >= t.someAvg60Warning || psi.some.avg10 >= t.someAvg10Warning;
  if (!critical && !warning) return [];
  const total = sample.memory?.["MemTotal"];
  const available = sample.memory?.["MemAvailable"];
  const cite = (metric: string, value: number, what: string) =>
    sampleEvidence({
      summary: `${what} on ${name}: ${pct(value)}`,
      metric,
      value,
      unit: "percent",
      node: name,
      sampleId: sample.id,
      at: sample.ts,
    });
  return [
    {
      code: "NODE_MEMORY_PSI_HIGH",
      severity: critical ? "critical" : "warning",
      resource: refOf(node),
      summary: `Tasks on node ${name} stall on memory: PSI some avg10 ${pct(psi.some.avg10)}, avg60 ${pct(psi.some.avg60)}${psi.full ? `, full avg60 ${pct(full60)}` : ""}`,
      detail:
        `Memory pressure stall information (collector sample at ${sample.ts}): "some" is the share of time at least one task waited for memory, ` +
        `"full" the share when all did. Thresholds: some avg60 ≥ ${t.someAvg60Warning}% or avg10 ≥ ${t.someAvg10Warning}% (warning), ` +
        `full avg60 ≥ ${t.fullAvg60Critical}% or some avg60 ≥ ${t.someAvg60Critical}% (critical).` +
        (total && available !== undefined ? ` MemAvailable ${Math.round((available / total) * 100)}% of MemTotal.` : ""),
      evidence: [
        cite("psi.memory.some.avg10", psi.some.avg10, "memory PSI some avg10"),
        cite("psi.memory.some.avg60", psi.some.avg60, "memory PSI some avg60"),
        ...(psi.full ? [cite("psi.memory.full.avg60", full60, "memory PSI full avg60")] : []),
        ...(available !== undefined
          ? [
              sampleEvidence({
                summary: `MemAvailable on ${name}`,
                metric: "memory.MemAvailable",
                value: available,
                unit: "bytes",
                node: name,
                sampleId: sample.id,
                at: sample.ts,
              }),
            ]
          : []),
      ],
      hypotheses: [
        {
          statement: `Node ${name} is short of memory: its pods' working sets exceed what it can keep resident, so tasks stall on reclaim and swap-in`,
          confidence: critical ? 0.75 : 0.6,
          actions: ["migrate_workload", "cordon_node"],
        },
      ],
    },
  ];
}

export const nodeMemoryPsiAnalyzer = defineAnalyzer({ name: "node-memory-psi", area: "kernel", kind: "Node", analyze: memoryPsi });
