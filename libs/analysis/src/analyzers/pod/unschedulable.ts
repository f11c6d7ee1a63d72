// A pod the scheduler cannot place (PodScheduled=False, reason Unschedulable) or may not place yet
// (SchedulingGated: spec.schedulingGates not yet removed by whatever added them). The scheduler's message
// says why, per node category ("0/3 nodes are available: 3 Insufficient memory."): it is the summary.
import type { V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, ms, objectEvidence, refOf } from "../../evidence.js";
import { humanDuration, newest, podEvents, podName, withReason } from "./pod-facts.js";

/** What the scheduler's message points at, and what would address it. */
function hypothesesFor(message: string): HypothesisDraft[] {
  const out: HypothesisDraft[] = [];
  const insufficient = [...message.matchAll(/Insufficient ([\w./-]*\w)/g)].map((m) => m[1]);
  if (insufficient.length > 0) {
    out.push({
      statement: `The pod requests more ${[...new Set(insufficient)].join(" and ")} than any node has left: lower its requests or add capacity`,
      confidence: 0.8,
      actions: ["escalate"],
    });
  }
  if (/untolerated taint|had taint/.test(message))
    out.push({ statement: "Every suitable node carries a taint the pod does not tolerate", confidence: 0.7, actions: ["escalate"] });
  if (/node affinity|node selector|didn't match Pod's node affinity/i.test(message))
    out.push({ statement: "No node matches the pod's nodeSelector / node affinity", confidence: 0.7, actions: ["escalate"] });
  if (/Too many pods/.test(message))
    out.push({ statement: "The nodes are at their pod limit (max pods per node)", confidence: 0.7, actions: ["escalate"] });
  if (/volume|persistentvolumeclaim/i.test(message))
    out.push({ statement: "A volume the pod needs is not bound or not reachable from any node", confidence: 0.6, actions: ["escalate"] });
  if (out.length === 0)
    out.push({ statement: "The scheduler found no node that fits the pod", confidence: 0.5, actions: ["collect_diagnostics", "escalate"] });
  return out;
}

function unschedulable(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  if (pod.spec?.nodeName || pod.status?.phase !== "Pending") return [];
  const cond = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (!cond) return [];
  const since = ms(cond.lastTransitionTime);
  const pending = since !== undefined ? ` for ${humanDuration(ctx.now - since)}` : "";
  if (cond.reason === "SchedulingGated") {
    const gates = (pod.spec?.schedulingGates ?? []).map((g) => g.name);
    return [
      {
        code: "POD_SCHEDULING_GATED",
        severity: "warning",
        resource: refOf(pod),
        summary: `Pod ${podName(pod)} is held back from scheduling by ${gates.length ? `gates ${gates.join(", ")}` : "scheduling gates"}${pending}`,
        detail:
          cond.message ??
          `Pod ${podName(pod)} is in a SchedulingGated state and is blocked from scheduling due to non-empty scheduling gates`,
        evidence: [objectEvidence(pod, "PodScheduled=False (SchedulingGated)", { schedulingGates: gates, since: cond.lastTransitionTime })],
        hypotheses: [
          {
            statement: "The controller or admission webhook that added the gates has not removed them (it may be down or waiting on quota)",
            confidence: 0.6,
            actions: ["escalate"],
          },
        ],
      },
    ];
  }
  if (cond.reason !== "Unschedulable") return [];
  const message = cond.message ?? "the scheduler gave no message";
  const lastFailed = newest(withReason(podEvents(pod, ctx), "FailedScheduling"));
  return [
    {
      code: "POD_UNSCHEDULABLE",
      severity: "critical",
      resource: refOf(pod),
      summary: `Pod ${podName(pod)} cannot be scheduled${pending}: ${message}`,
      detail: `PodScheduled=False, reason Unschedulable. The scheduler said: ${message}`,
      evidence: [
        objectEvidence(pod, "PodScheduled=False (Unschedulable)", {
          phase: pod.status?.phase,
          message,
          requests: pod.spec?.containers.map((c) => ({ container: c.name, requests: c.resources?.requests })),
          ...(pod.spec?.nodeSelector ? { nodeSelector: pod.spec.nodeSelector } : {}),
        }),
        ...(lastFailed ? [eventEvidence(lastFailed)] : []),
      ],
      hypotheses: hypothesesFor(message),
    },
  ];
}

export const unschedulableAnalyzer = defineAnalyzer({
  name: "pod-unschedulable",
  area: "pod",
  kind: "Pod",
  analyze: unschedulable,
});
