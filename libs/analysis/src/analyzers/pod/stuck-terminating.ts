// A pod whose deletion is overdue: deletionTimestamp (the time by which the kubelet should have stopped it:
// the delete request plus the grace period) is past, in cluster time. Usual causes: its node is gone or
// NotReady (no kubelet to confirm), or a finalizer nobody removes.
import type { V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { ms, objectEvidence, refOf } from "../../evidence.js";
import { humanDuration, podName } from "./pod-facts.js";

/** The kubelet needs a moment after the deadline to report the containers stopped and confirm the delete. */
const SLACK_MS = 30_000;

function stuckTerminating(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  const deadline = ms(pod.metadata?.deletionTimestamp);
  if (deadline === undefined || ctx.now - deadline <= SLACK_MS) return [];
  const nodeName = pod.spec?.nodeName;
  const node = nodeName ? ctx.cache.get({ kind: "Node", name: nodeName }) : undefined;
  const ready = node?.status?.conditions?.find((c) => c.type === "Ready");
  const finalizers = pod.metadata?.finalizers ?? [];
  const hypotheses: HypothesisDraft[] = [];
  if (nodeName && (!node || ready?.status !== "True")) {
    hypotheses.push({
      statement: node
        ? `Its node ${nodeName} is not Ready (${ready?.reason ?? ready?.status ?? "no Ready condition"}): no kubelet confirms the deletion; the pod goes once the node returns or is removed (or with a forced delete)`
        : `Its node ${nodeName} no longer exists: nothing will confirm the deletion`,
      confidence: 0.85,
      actions: ["escalate"],
    });
  }
  if (finalizers.length > 0)
    hypotheses.push({
      statement: `Finalizers ${finalizers.join(", ")} hold the pod: the controller that owns them has not removed them`,
      confidence: 0.6,
      actions: ["escalate"],
    });
  if (hypotheses.length === 0)
    hypotheses.push({
      statement: "The kubelet cannot stop the containers (a hung process or runtime)",
      confidence: 0.45,
      actions: ["collect_diagnostics", "escalate"],
    });
  return [
    {
      code: "POD_STUCK_TERMINATING",
      severity: "warning",
      resource: refOf(pod),
      summary: `Pod ${podName(pod)} has been terminating ${humanDuration(ctx.now - deadline)} past its grace period${nodeName ? ` on node ${nodeName}` : ""}`,
      detail: `deletionTimestamp ${new Date(deadline).toISOString()} (grace period ${pod.metadata?.deletionGracePeriodSeconds ?? "?"}s); node ${nodeName ?? "none"} Ready=${ready?.status ?? "unknown"}; finalizers: ${finalizers.length ? finalizers.join(", ") : "none"}.`,
      evidence: [
        objectEvidence(pod, `Terminating since ${new Date(deadline).toISOString()}`, {
          deletionTimestamp: pod.metadata?.deletionTimestamp,
          deletionGracePeriodSeconds: pod.metadata?.deletionGracePeriodSeconds,
          node: nodeName,
          ...(finalizers.length ? { finalizers } : {}),
        }),
        ...(node
          ? [
              objectEvidence(node, `Node ${nodeName} Ready=${ready?.status ?? "unknown"}`, {
                ready: ready && { status: ready.status, reason: ready.reason, message: ready.message },
              }),
            ]
          : []),
      ],
      hypotheses: hypotheses.sort((a, b) => b.confidence - a.confidence),
    },
  ];
}

export const stuckTerminatingAnalyzer = defineAnalyzer({
  name: "pod-stuck-terminating",
  area: "pod",
  kind: "Pod",
  analyze: stuckTerminating,
});
