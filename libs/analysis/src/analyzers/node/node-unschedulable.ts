// A cordoned node (spec.unschedulable): info, since a cordon is usually someone's maintenance. It matters as
// context (pods Pending for want of room, a drain in progress), so it says how long and what still runs there.
import { defineAnalyzer } from "../../analyzer-definition.js";
import { objectEvidence, refOf } from "../../evidence.js";
import { isActivePod } from "../network/pod-facts.js";

export const nodeUnschedulableAnalyzer = defineAnalyzer({
  name: "node-unschedulable",
  area: "node",
  kind: "Node",
  analyze(node, ctx) {
    if (!node.spec?.unschedulable) return [];
    const name = node.metadata?.name ?? "";
    const since = node.spec.taints?.find((t) => t.key === "node.kubernetes.io/unschedulable")?.timeAdded;
    const running = ctx.cache.store("Pod").byIndex("node", name).filter(isActivePod);
    const workloadPods = running.filter((p) => !p.metadata?.ownerReferences?.some((r) => r.kind === "DaemonSet"));
    return [
      {
        code: "NODE_UNSCHEDULABLE",
        severity: "info",
        resource: refOf(node),
        summary: `Node ${name} is cordoned${workloadPods.length > 0 ? ` and still runs ${workloadPods.length} non-DaemonSet pod(s)` : ""}`,
        detail: `spec.unschedulable is set${since ? ` since ${since.toISOString()}` : ""}: no new pod is scheduled there. ${running.length} pod(s) still run on it.`,
        evidence: [objectEvidence(node, `Node ${name} unschedulable`, { unschedulable: true, runningPods: running.length })],
        hypotheses: [
          {
            statement: `The node was cordoned for maintenance; uncordon it when that is done`,
            confidence: 0.5,
            actions: ["notify_only", "uncordon_node"],
          },
        ],
      },
    ];
  },
});
