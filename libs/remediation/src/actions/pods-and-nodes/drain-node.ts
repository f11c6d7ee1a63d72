// drain_node: `kubectl drain --ignore-daemonsets` done by the executor. It cordons the node (merge patch), evicts
// every pod the drain filters select through the eviction API so PodDisruptionBudgets are honoured, retries the
// evictions a budget refuses until timeoutSeconds, and waits until the evicted pods are gone. Refused before
// anything changes when a pod would lose emptyDir data (unless deleteEmptyDirData) or has no controller. Past the
// timeout it fails with what it evicted, what is blocked (budget named) and what remains; the node stays cordoned.
// Not reversible: evicted pods run elsewhere now; uncordon_node puts the node back in service.
import type { V1Pod } from "@kubernetes/client-node";
import { ActionFailure, ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import type { KubeReader } from "../../kube-ops.js";
import { type EvictionReport, runEvictions } from "./drain-evictions.js";
import { drainProblems, selectPodsToDrain } from "./drain-selection.js";
import { isCordoned, setUnschedulable, UNSCHEDULABLE } from "./node-schedulability.js";
import { disruptedPod, podKey } from "./pod-facts.js";
import { readTarget, subjectOf } from "./target-object.js";

const PODS = "pods";

const podsOnNode = (kube: KubeReader, node: string): Promise<V1Pod[]> => kube.list("Pod", { fieldSelector: `spec.nodeName=${node}` });

function failureMessage(node: string, timeoutSeconds: number, r: EvictionReport): string {
  const why = r.stoppedBy === "shutdown" ? "was interrupted (the executor is stopping)" : `timed out after ${timeoutSeconds}s`;
  const blocked = r.blocked.map((b) => `${b.pod}${b.budget ? ` (PodDisruptionBudget ${b.budget})` : ""}`);
  const terminating = r.remaining.filter((p) => !r.blocked.some((b) => b.pod === p));
  return [
    `drain of node ${node} ${why}: ${r.evicted.length} pod(s) evicted`,
    blocked.length ? `eviction still refused for ${blocked.join(", ")}` : "",
    terminating.length ? `still terminating: ${terminating.join(", ")}` : "",
    `the node stays cordoned; free the budget (more replicas, or relax it) and drain again, or uncordon_node to put it back in service`,
  ]
    .filter(Boolean)
    .join("; ");
}

export const drainNode = defineActionImplementation({
  name: "drain_node",
  async plan(ctx) {
    const node = await readTarget(ctx.kube, "Node", ctx.target);
    const name = node.metadata?.name ?? "";
    const { timeoutSeconds, gracePeriodSeconds, deleteEmptyDirData } = ctx.parameters;
    const selection = selectPodsToDrain(await podsOnNode(ctx.kube, name), { deleteEmptyDirData });
    const problems = drainProblems(name, selection);
    if (problems) throw new ActionRefusal(problems);
    const wasCordoned = isCordoned(node);
    if (wasCordoned && selection.evict.length === 0 && selection.terminating.length === 0)
      throw new ActionRefusal(
        `node ${name} is already cordoned and runs no pod a drain would evict${selection.skipped.length ? ` (${selection.skipped.length} skipped: DaemonSet, mirror or finished pods)` : ""}: it is already drained`,
      );
    const budgets = await ctx.kube.list("PodDisruptionBudget");
    const toEvict = selection.evict.map(podKey).sort();
    return {
      summary: `drain node ${name}: ${wasCordoned ? "already cordoned" : "cordon it"}, evict ${toEvict.length} pod(s) through the eviction API (PodDisruptionBudgets honoured)${selection.skipped.length ? `, skip ${selection.skipped.length} DaemonSet/mirror/finished pod(s)` : ""}; give up after ${timeoutSeconds}s`,
      subject: subjectOf(ctx.target, node),
      before: { [UNSCHEDULABLE]: wasCordoned, [PODS]: toEvict },
      consequences: {
        disruptedPods: selection.evict.map((p) => disruptedPod(p, "evict")),
        ...(wasCordoned ? {} : { cordonedNodes: [name], writes: [{ object: node, fields: [fieldPath("spec", "unschedulable")] }] }),
      },
      async apply(kube) {
        const cordon = wasCordoned ? { [UNSCHEDULABLE]: true } : await setUnschedulable(kube, name, true);
        const report = await runEvictions({
          kube,
          node: name,
          evict: selection.evict,
          terminating: selection.terminating,
          budgets,
          ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
          timeoutMs: timeoutSeconds * 1000,
          pollIntervalMs: ctx.env.pollIntervalMs,
          signal: ctx.signal,
        });
        const details = {
          ...report,
          skipped: selection.skipped,
          waitedFor: selection.terminating.map(podKey),
          undo: `not reversible: the evicted pods run elsewhere now; run uncordon_node on ${name} to put it back in service once its maintenance is done`,
        };
        if (!kube.dryRun && report.remaining.length > 0) throw new ActionFailure(failureMessage(name, timeoutSeconds, report), details);
        return { after: { ...cordon, [PODS]: report.remaining }, details };
      },
      async verify(kube) {
        const live = await kube.find({ kind: "Node", name });
        if (!isCordoned(live)) return { ok: false, detail: `node ${name} is no longer cordoned` };
        const planned = new Set(selection.evict.map((p) => p.metadata?.uid));
        const left = (await podsOnNode(kube, name)).filter((p) => planned.has(p.metadata?.uid)).map(podKey);
        return left.length
          ? { ok: false, detail: `node ${name} still runs ${left.join(", ")}` }
          : { ok: true, detail: `node ${name} is cordoned and none of the ${planned.size} evicted pod(s) remains on it` };
      },
    };
  },
});
