// StatefulSets: ready < replicas once pods have had their start grace; an update stuck because the updated
// pod (the highest ordinal first, RollingUpdate) does not become ready, so the controller stops there; and
// the governing Service (spec.serviceName) missing for a clustered set (replicas > 1), whose pods then cannot
// find each other by their stable DNS names.
// An update that is stuck reports the unavailability with it (one cause, one finding).
import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { eventEvidence, objectEvidence, refOf } from "../../evidence.js";
import { eventsOf, latestWarning, podsSelected, staleUnready, whyUnready } from "./workload-facts.js";

const REVISION_LABEL = "controller-revision-hash";
const nameOf = (s: V1StatefulSet): string => `${s.metadata?.namespace ?? ""}/${s.metadata?.name ?? ""}`;

function ownPods(s: V1StatefulSet, ctx: AnalysisContext): V1Pod[] {
  return podsSelected(s.metadata?.namespace, s.spec?.selector, ctx).filter((p) =>
    p.metadata?.ownerReferences?.some((o) => o.uid === s.metadata?.uid),
  );
}

function updateStuck(s: V1StatefulSet, pods: V1Pod[], ctx: AnalysisContext): FindingDraft[] {
  const { currentRevision, updateRevision } = s.status ?? {};
  if (!currentRevision || !updateRevision || currentRevision === updateRevision) return [];
  if (s.spec?.updateStrategy?.type === "OnDelete") return [];
  const updatedFailing = pods.filter((p) => p.metadata?.labels?.[REVISION_LABEL] === updateRevision && staleUnready(p, ctx));
  if (updatedFailing.length === 0) return [];
  return [
    {
      code: "STATEFULSET_UPDATE_STUCK",
      severity: "critical",
      resource: refOf(s),
      summary: `Update of statefulset ${nameOf(s)} to ${updateRevision} is stuck: ${updatedFailing.map(whyUnready).join(", ")}`,
      detail: `currentRevision ${currentRevision}, updateRevision ${updateRevision}; ${s.status?.updatedReplicas ?? 0}/${s.spec?.replicas ?? 1} updated, ${s.status?.readyReplicas ?? 0} ready. The controller waits for the updated pod to be ready before it updates the next one.`,
      evidence: [
        objectEvidence(s, `revision ${currentRevision} → ${updateRevision}`, {
          currentRevision,
          updateRevision,
          updatedReplicas: s.status?.updatedReplicas ?? 0,
          readyReplicas: s.status?.readyReplicas ?? 0,
        }),
        ...updatedFailing
          .slice(0, 3)
          .map((p) => objectEvidence(p, `updated pod ${whyUnready(p)}`, { revision: updateRevision, phase: p.status?.phase })),
      ],
      hypotheses: [
        {
          statement: `The new revision ${updateRevision} does not become ready: revert the template change (the previous revision was serving)`,
          confidence: 0.65,
          actions: ["escalate"],
        },
        {
          statement: "The updated pod waits on something outside the template (a volume, a peer)",
          confidence: 0.3,
          actions: ["collect_diagnostics"],
        },
      ],
    },
  ];
}

function replicasUnavailable(s: V1StatefulSet, pods: V1Pod[], ctx: AnalysisContext): FindingDraft[] {
  const desired = s.spec?.replicas ?? 1;
  const ready = s.status?.readyReplicas ?? 0;
  if (desired === 0 || ready >= desired) return [];
  const stale = pods.filter((p) => staleUnready(p, ctx));
  // Pods are created one at a time (OrderedReady): a missing ordinal is only trouble once the others had their grace.
  const missing = desired - pods.length;
  const starting = pods.some((p) => !staleUnready(p, ctx) && !p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  if (stale.length === 0 && (missing <= 0 || starting)) return [];
  const event = latestWarning(eventsOf(s, ctx));
  return [
    {
      code: "STATEFULSET_REPLICAS_UNAVAILABLE",
      severity: ready === 0 ? "critical" : "warning",
      resource: refOf(s),
      summary: `StatefulSet ${nameOf(s)} has ${ready}/${desired} replicas ready${stale.length ? `: ${stale.map(whyUnready).slice(0, 3).join(", ")}` : ""}${missing > 0 ? ` (${missing} not created)` : ""}`,
      detail: `${ready}/${desired} ready, ${pods.length} pods exist.${event ? ` Latest warning: ${event.reason}: ${event.message}` : ""}`,
      evidence: [
        objectEvidence(s, `${ready}/${desired} ready`, { replicas: desired, readyReplicas: ready, pods: pods.length }),
        ...stale.slice(0, 3).map((p) => objectEvidence(p, `pod ${whyUnready(p)}`, { phase: p.status?.phase, node: p.spec?.nodeName })),
        ...(event ? [eventEvidence(event)] : []),
      ],
      hypotheses: [
        {
          statement: "Pods of the StatefulSet fail or cannot be created (see the pod findings and the StatefulSet's events)",
          confidence: 0.5,
          actions: ["collect_diagnostics", "escalate"],
        },
      ],
    },
  ];
}

function serviceMissing(s: V1StatefulSet, ctx: AnalysisContext): FindingDraft[] {
  const svc = s.spec?.serviceName;
  const namespace = s.metadata?.namespace;
  // The governing Service gives each pod its DNS name; clustered sets (more than one replica) find their peers
  // through it. A single replica has no peer to find and often runs without one: not worth a finding.
  if ((s.spec?.replicas ?? 1) < 2) return [];
  if (!svc || !namespace || !ctx.cache.has("Service") || ctx.cache.get({ kind: "Service", namespace, name: svc })) return [];
  return [
    {
      code: "STATEFULSET_SERVICE_MISSING",
      severity: "warning",
      resource: refOf(s),
      summary: `StatefulSet ${nameOf(s)} uses the service ${namespace}/${svc} which does not exist`,
      detail: `spec.serviceName is ${svc}, but there is no such Service: the pods get no stable DNS names (<pod>.${svc}.${namespace}.svc).`,
      evidence: [objectEvidence(s, `serviceName ${svc} (missing)`, { serviceName: svc })],
      hypotheses: [{ statement: `The headless Service ${svc} was never created or was deleted`, confidence: 0.8, actions: ["escalate"] }],
    },
  ];
}

export const statefulSetAnalyzer = defineAnalyzer({
  name: "statefulset",
  area: "workload",
  kind: "StatefulSet",
  analyze: (s: V1StatefulSet, ctx) => {
    const pods = ownPods(s, ctx);
    const stuck = updateStuck(s, pods, ctx);
    return [...stuck, ...(stuck.length ? [] : replicasUnavailable(s, pods, ctx)), ...serviceMissing(s, ctx)];
  },
});
