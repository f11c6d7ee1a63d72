// KERNEL_NODE_OOM: the global OOM killer ran on a node: no container hit its own limit, the node as a whole ran
// out of memory (pods using more than they requested, unlimited pods, system daemons). The victim is whoever
// the kernel's badness score picked, often not the pod that grew: raising one pod's limit does not help, less
// memory committed on the node does.
import type { V1Node } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { objectEvidence, refOf } from "../../evidence.js";
import { isOomKill, oomKillCount, oomScopeOf, oomVictim } from "../../telemetry/oom-kills.js";
import { recentKernelEvents, telemetryWindows, windowText } from "../../telemetry/recent-telemetry.js";
import { killsText, oomKillEvidence } from "./kernel-evidence.js";

function nodeOom(node: V1Node, ctx: AnalysisContext): FindingDraft[] {
  const name = node.metadata?.name;
  if (!name) return [];
  const events = recentKernelEvents(ctx, name, { type: "oom_kill" }).filter((e) => isOomKill(e) && oomScopeOf(e) === "node");
  if (events.length === 0) return [];
  const kills = events.reduce((n, e) => n + oomKillCount(e), 0);
  const victims = [
    ...new Set(
      events.map((e) =>
        e.pod?.name ? `${e.pod.namespace ?? ""}/${e.pod.name}${e.container?.name ? ` (${e.container.name})` : ""}` : oomVictim(e),
      ),
    ),
  ];
  const window = windowText(telemetryWindows(ctx).kernelEventsMs);
  return [
    {
      code: "KERNEL_NODE_OOM",
      severity: "critical",
      resource: refOf(node),
      summary: `The node-wide OOM killer ran on ${name}: ${killsText(kills)} in the last ${window}; victims ${victims.slice(0, 5).join(", ")}${victims.length > 5 ? ` and ${victims.length - 5} more` : ""}`,
      detail:
        `Global OOM: no memory cgroup limit was hit, node ${name} itself ran out of memory, so the kernel killed by its badness score. ` +
        `Node memory is overcommitted (pods use more than they request, or have no limit). Raising one pod's limit will not help; ` +
        `moving workloads off the node, or limits that match requests for the pods that grow, will.`,
      evidence: [
        ...oomKillEvidence(events),
        objectEvidence(node, `node ${name}: allocatable memory ${node.status?.allocatable?.["memory"] ?? "?"}`, {
          allocatableMemory: node.status?.allocatable?.["memory"],
        }),
      ],
      hypotheses: [
        {
          statement: `Node ${name}'s memory is overcommitted: the pods on it use more than the node has, so the global OOM killer picks victims`,
          confidence: 0.8,
          actions: ["migrate_workload", "cordon_node"],
        },
      ],
    },
  ];
}

export const kernelNodeOomAnalyzer = defineAnalyzer({ name: "kernel-node-oom", area: "kernel", kind: "Node", analyze: nodeOom });
