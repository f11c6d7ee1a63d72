// PodDisruptionBudget (area budget):
// - disruptionsAllowed 0 while every expected pod is healthy: the budget itself forbids any voluntary
//   disruption (minAvailable = replicas, maxUnavailable 0), so every eviction, and any drain, is refused for
//   good → PDB_BLOCKING_DISRUPTION; critical when a cordoned node still runs one of its pods (a drain is stuck);
// - the selector matches no pod → PDB_SELECTS_NOTHING (it protects nothing).
// Not findings: disruptionsAllowed > 0, and 0 because pods are unhealthy (the budget is doing its job; the
// pods' own findings say why they are down).
import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { ActionName } from "@vigil/contracts";
import { selectorMatches } from "@vigil/kube";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { objectEvidence, refOf } from "../../evidence.js";
import { describeWorkload, isActivePod, workloadOf } from "../network/pod-facts.js";

const budgetText = (pdb: V1PodDisruptionBudget): string =>
  pdb.spec?.minAvailable !== undefined ? `minAvailable ${pdb.spec.minAvailable}` : `maxUnavailable ${pdb.spec?.maxUnavailable ?? "?"}`;

const statusFields = (pdb: V1PodDisruptionBudget) => ({
  budget: budgetText(pdb),
  disruptionsAllowed: pdb.status?.disruptionsAllowed,
  currentHealthy: pdb.status?.currentHealthy,
  desiredHealthy: pdb.status?.desiredHealthy,
  expectedPods: pdb.status?.expectedPods,
});

export const pdbAnalyzer = defineAnalyzer({
  name: "pdb",
  area: "budget",
  kind: "PodDisruptionBudget",
  analyze(pdb, ctx) {
    const ns = pdb.metadata?.namespace ?? "default";
    const pods = ctx.cache
      .store("Pod")
      .list({ namespace: ns })
      .filter((p) => isActivePod(p) && selectorMatches(pdb.spec?.selector, p.metadata?.labels));
    if (pods.length === 0 && (pdb.status?.expectedPods ?? 0) === 0) return [selectsNothing(pdb)];
    const s = pdb.status;
    if (!s || s.disruptionsAllowed !== 0 || s.expectedPods === 0 || s.currentHealthy < s.expectedPods) return [];
    return [blocking(pdb, pods, ctx)];
  },
});

function selectsNothing(pdb: V1PodDisruptionBudget): FindingDraft {
  const name = `${pdb.metadata?.namespace}/${pdb.metadata?.name}`;
  return {
    code: "PDB_SELECTS_NOTHING",
    severity: "info",
    resource: refOf(pdb),
    summary: `PodDisruptionBudget ${name} selects no pod`,
    detail: `Its selector matches no running pod in ${pdb.metadata?.namespace}, so it protects nothing: the workload it was written for can be fully evicted by a drain.`,
    evidence: [objectEvidence(pdb, `PDB ${name} selects no pod`, { selector: pdb.spec?.selector, ...statusFields(pdb) })],
    hypotheses: [
      {
        statement: `The selector does not match the labels of the workload it was meant to protect (or that workload is gone)`,
        confidence: 0.5,
        actions: ["notify_only"],
      },
    ],
  };
}

function blocking(pdb: V1PodDisruptionBudget, pods: V1Pod[], ctx: AnalysisContext): FindingDraft {
  const name = `${pdb.metadata?.namespace}/${pdb.metadata?.name}`;
  const workloads = new Map(pods.map((p) => [describeWorkload(workloadOf(ctx.cache, p)), workloadOf(ctx.cache, p)]));
  const which = [...workloads.keys()].join(", ") || "its pods";
  const cordoned = pods.filter((p) => p.spec?.nodeName && ctx.cache.get({ kind: "Node", name: p.spec.nodeName })?.spec?.unschedulable);
  const scale: ActionName[] = [];
  for (const w of workloads.values()) {
    if (w.kind === "Deployment") scale.push("scale_deployment");
    if (w.kind === "StatefulSet") scale.push("scale_statefulset");
  }
  const expected = pdb.status?.expectedPods ?? pods.length;
  return {
    code: "PDB_BLOCKING_DISRUPTION",
    severity: cordoned.length > 0 ? "critical" : "warning",
    resource: refOf(pdb),
    summary:
      `PodDisruptionBudget ${name} (${budgetText(pdb)}) allows no disruption although all ${expected} pod(s) are healthy` +
      (cordoned.length > 0
        ? `: ${cordoned.map((p) => p.metadata?.name).join(", ")} on cordoned ${[...new Set(cordoned.map((p) => p.spec?.nodeName))].join(", ")} cannot be evicted`
        : ""),
    detail:
      `${which} runs ${expected} pod(s) and the budget requires ${pdb.status?.desiredHealthy} healthy, so disruptionsAllowed stays 0 even when nothing is wrong: ` +
      `every eviction is refused ("Cannot evict pod as it would violate the pod's disruption budget") and a drain of any node running one of them never finishes.`,
    evidence: [
      objectEvidence(pdb, `PDB ${name}: ${pdb.status?.currentHealthy}/${expected} healthy, ${budgetText(pdb)}, 0 disruptions allowed`, {
        selector: pdb.spec?.selector,
        ...statusFields(pdb),
      }),
      ...cordoned
        .slice(0, 3)
        .map((p) => objectEvidence(p, `${p.metadata?.name} runs on cordoned ${p.spec?.nodeName}`, { nodeName: p.spec?.nodeName })),
    ],
    hypotheses: [
      {
        statement: `The budget leaves no room: scale ${which} up by one (so one pod may go), or relax the budget (minAvailable ${Math.max(0, expected - 1)} or maxUnavailable 1); retrying the drain (drain_node) unchanged will not help, the budget refuses every eviction while disruptionsAllowed is 0`,
        confidence: 0.8,
        actions: scale.length > 0 ? [...new Set(scale)] : ["escalate"],
      },
    ],
  };
}
