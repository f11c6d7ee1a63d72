// DaemonSets: fewer ready pods than nodes that should run one (numberReady < desiredNumberScheduled), outside
// a rolling update that stays within maxUnavailable; and pods running on nodes they should not
// (numberMisscheduled > 0: a node's labels or taints changed under a running daemon pod).
import type { V1DaemonSet } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { eventEvidence, objectEvidence, refOf } from "../../evidence.js";
import { eventsOf, latestWarning, podsSelected, resolveIntOrPercent, staleUnready, whyUnready } from "./workload-facts.js";

const nameOf = (d: V1DaemonSet): string => `${d.metadata?.namespace ?? ""}/${d.metadata?.name ?? ""}`;

function podsUnavailable(d: V1DaemonSet, ctx: AnalysisContext): FindingDraft[] {
  const s = d.status;
  if (!s || s.numberReady >= s.desiredNumberScheduled) return [];
  const updating = (s.updatedNumberScheduled ?? s.desiredNumberScheduled) < s.desiredNumberScheduled;
  const maxUnavailable = resolveIntOrPercent(d.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, s.desiredNumberScheduled, "1");
  const unready = s.desiredNumberScheduled - s.numberReady;
  const stale = podsSelected(d.metadata?.namespace, d.spec?.selector, ctx).filter((p) => staleUnready(p, ctx));
  // A rolling update replaces pods node by node within maxUnavailable; a new node's daemon pod gets its start grace.
  if (stale.length === 0 && (updating ? unready <= maxUnavailable : (s.currentNumberScheduled ?? 0) >= s.desiredNumberScheduled)) return [];
  const event = latestWarning(eventsOf(d, ctx));
  return [
    {
      code: "DAEMONSET_PODS_UNAVAILABLE",
      severity: s.numberReady === 0 ? "critical" : "warning",
      resource: refOf(d),
      summary: `DaemonSet ${nameOf(d)} has ${s.numberReady} ready pods out of ${s.desiredNumberScheduled} scheduled${stale.length ? `: ${stale.map(whyUnready).slice(0, 3).join(", ")}` : ""}`,
      detail: `DaemonSet ${nameOf(d)} has ${s.numberReady} ready replicas out of ${s.desiredNumberScheduled} scheduled (${s.currentNumberScheduled} current, ${s.updatedNumberScheduled ?? "?"} updated, ${s.numberUnavailable ?? unready} unavailable).`,
      evidence: [
        objectEvidence(d, `${s.numberReady}/${s.desiredNumberScheduled} ready`, {
          desiredNumberScheduled: s.desiredNumberScheduled,
          numberReady: s.numberReady,
          currentNumberScheduled: s.currentNumberScheduled,
          updatedNumberScheduled: s.updatedNumberScheduled,
        }),
        ...stale.slice(0, 3).map((p) =>
          objectEvidence(p, `pod ${whyUnready(p)} on ${p.spec?.nodeName ?? "no node"}`, {
            node: p.spec?.nodeName,
            phase: p.status?.phase,
          }),
        ),
        ...(event ? [eventEvidence(event)] : []),
      ],
      hypotheses: [
        {
          statement: "Daemon pods fail on some nodes (see the pod findings), or those nodes are NotReady",
          confidence: 0.5,
          actions: ["collect_diagnostics", "restart_daemonset", "escalate"],
        },
      ],
    },
  ];
}

function misscheduled(d: V1DaemonSet): FindingDraft[] {
  const n = d.status?.numberMisscheduled ?? 0;
  if (n <= 0) return [];
  return [
    {
      code: "DAEMONSET_MISSCHEDULED",
      severity: "warning",
      resource: refOf(d),
      summary: `DaemonSet ${nameOf(d)} runs ${n} pod(s) on nodes that should not run it`,
      detail: `numberMisscheduled=${n}: a node's labels or taints changed after its daemon pod started, and the pod was not removed.`,
      evidence: [
        objectEvidence(d, `numberMisscheduled=${n}`, { numberMisscheduled: n, nodeSelector: d.spec?.template.spec?.nodeSelector }),
      ],
      hypotheses: [{ statement: "Node labels or taints changed under running daemon pods", confidence: 0.6, actions: ["escalate"] }],
    },
  ];
}

export const daemonSetAnalyzer = defineAnalyzer({
  name: "daemonset",
  area: "workload",
  kind: "DaemonSet",
  analyze: (d: V1DaemonSet, ctx) => [...podsUnavailable(d, ctx), ...misscheduled(d)],
});
