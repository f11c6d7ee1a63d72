// Deployments: a rollout past its progress deadline (Progressing=False, ProgressDeadlineExceeded), replicas
// that stay unavailable, and a paused rollout. Not findings: a Deployment scaled to 0, a rolling update still
// inside its deadline that keeps availability within maxUnavailable, and pods still inside their start grace.
// When the deadline is exceeded the unavailability is part of that finding (one cause, one finding).
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, objectEvidence, refOf } from "../../evidence.js";
import { conditionOf, eventsOf, latestWarning, podsSelected, resolveIntOrPercent, staleUnready, whyUnready } from "./workload-facts.js";

const ROLLING_REASONS = new Set(["ReplicaSetUpdated", "NewReplicaSetCreated", "FoundNewReplicaSet"]);
const REVISION = "deployment.kubernetes.io/revision";

const nameOf = (d: V1Deployment): string => `${d.metadata?.namespace ?? ""}/${d.metadata?.name ?? ""}`;

function counts(d: V1Deployment) {
  const s = d.status ?? {};
  return {
    desired: d.spec?.replicas ?? 1,
    available: s.availableReplicas ?? 0,
    ready: s.readyReplicas ?? 0,
    updated: s.updatedReplicas ?? 0,
    total: s.replicas ?? 0,
  };
}

/** The newest ReplicaSet (the rollout's target) and the older ones still serving. */
function replicaSets(d: V1Deployment, ctx: AnalysisContext) {
  const uid = d.metadata?.uid;
  const sets = uid ? ctx.cache.store("ReplicaSet").byOwner(uid) : [];
  const rev = (s: (typeof sets)[number]) => Number(s.metadata?.annotations?.[REVISION] ?? 0);
  const sorted = [...sets].sort((a, b) => rev(a) - rev(b));
  const newest = sorted.at(-1);
  return { newest, older: sorted.slice(0, -1), revisionOf: rev };
}

function podsOf(rsUid: string | undefined, ctx: AnalysisContext): V1Pod[] {
  return rsUid
    ? ctx.cache
        .store("Pod")
        .byOwner(rsUid)
        .filter((p) => !p.metadata?.deletionTimestamp)
    : [];
}

function progressDeadline(d: V1Deployment, ctx: AnalysisContext): FindingDraft[] {
  const cond = conditionOf(d.status?.conditions, "Progressing");
  if (cond?.status !== "False" || cond.reason !== "ProgressDeadlineExceeded") return [];
  const c = counts(d);
  const { newest, older, revisionOf } = replicaSets(d, ctx);
  const failing = podsOf(newest?.metadata?.uid, ctx).filter(
    (p) => !p.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"),
  );
  const olderReady = older.reduce((n, s) => n + (s.status?.readyReplicas ?? 0), 0);
  const hypotheses: HypothesisDraft[] = [];
  if (newest && olderReady > 0 && failing.length > 0) {
    hypotheses.push({
      statement: `Revision ${revisionOf(newest)} (${newest.metadata?.name}) does not become ready (${failing.map(whyUnready).slice(0, 3).join(", ")}) while the previous revision serves ${olderReady} ready pod(s): roll back`,
      confidence: 0.75,
      actions: ["rollback_deployment", "pause_rollout"],
    });
  } else if (failing.length > 0) {
    hypotheses.push({
      statement: `The new pods do not become ready: ${failing.map(whyUnready).slice(0, 3).join(", ")}`,
      confidence: 0.55,
      actions: ["collect_diagnostics", "escalate"],
    });
  } else {
    hypotheses.push({
      statement: "The new ReplicaSet cannot create its pods (quota, admission) or they cannot be scheduled",
      confidence: 0.45,
      actions: ["escalate"],
    });
  }
  const event = latestWarning(eventsOf(d, ctx));
  return [
    {
      code: "DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED",
      severity: "critical",
      resource: refOf(d),
      summary: `Rollout of deployment ${nameOf(d)} is stuck: ${cond.message ?? "progress deadline exceeded"} (${c.updated}/${c.desired} updated, ${c.available} available)`,
      detail: `Progressing=False, reason ProgressDeadlineExceeded (progressDeadlineSeconds ${d.spec?.progressDeadlineSeconds ?? 600}). ${c.available}/${c.desired} available, ${c.updated} updated, ${c.total} total.${failing.length ? ` New pods not ready: ${failing.map(whyUnready).join(", ")}.` : ""}`,
      evidence: [
        objectEvidence(d, "Progressing=False (ProgressDeadlineExceeded)", {
          replicas: c.desired,
          availableReplicas: c.available,
          updatedReplicas: c.updated,
          progressing: cond,
        }),
        ...(newest
          ? [
              objectEvidence(
                newest,
                `new ReplicaSet ${newest.metadata?.name}: ${newest.status?.readyReplicas ?? 0}/${newest.spec?.replicas ?? 0} ready`,
                { revision: revisionOf(newest), replicas: newest.spec?.replicas, readyReplicas: newest.status?.readyReplicas ?? 0 },
              ),
            ]
          : []),
        ...(event ? [eventEvidence(event)] : []),
      ],
      hypotheses,
    },
  ];
}

function replicasUnavailable(d: V1Deployment, ctx: AnalysisContext): FindingDraft[] {
  const c = counts(d);
  if (c.desired === 0 || c.available >= c.desired) return [];
  const progressing = conditionOf(d.status?.conditions, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") return []; // reported by progressDeadline
  const rolling = c.updated < c.desired || c.total > c.desired || (d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0);
  const maxUnavailable = resolveIntOrPercent(d.spec?.strategy?.rollingUpdate?.maxUnavailable, c.desired, "25%");
  // A rolling update inside its deadline takes pods down on purpose, within maxUnavailable.
  if (
    rolling &&
    progressing?.status === "True" &&
    ROLLING_REASONS.has(progressing.reason ?? "") &&
    c.available >= c.desired - maxUnavailable
  )
    return [];
  const pods = podsSelected(d.metadata?.namespace, d.spec?.selector, ctx);
  const stale = pods.filter((p) => staleUnready(p, ctx));
  const availableCond = conditionOf(d.status?.conditions, "Available");
  // Pods still starting (a scale-up, a restart) are not unavailable yet; missing pods or Available=False are.
  if (stale.length === 0 && availableCond?.status !== "False" && pods.length >= c.desired) return [];
  const event = latestWarning(eventsOf(d, ctx));
  return [
    {
      code: "DEPLOYMENT_REPLICAS_UNAVAILABLE",
      severity: c.available === 0 ? "critical" : "warning",
      resource: refOf(d),
      summary: `Deployment ${nameOf(d)} has ${c.available}/${c.desired} replicas available${stale.length ? `: ${stale.map(whyUnready).slice(0, 3).join(", ")}` : ""}`,
      detail: `Deployment ${nameOf(d)} has ${c.desired} replicas but ${c.available} are available (${c.ready} ready, ${c.total} existing).${availableCond ? ` Available=${availableCond.status} (${availableCond.reason ?? ""}).` : ""}${stale.length ? ` Unavailable pods: ${stale.map(whyUnready).join(", ")}.` : ""}`,
      evidence: [
        objectEvidence(d, `${c.available}/${c.desired} available`, {
          replicas: c.desired,
          availableReplicas: c.available,
          readyReplicas: c.ready,
          ...(availableCond ? { available: availableCond } : {}),
        }),
        ...stale.slice(0, 3).map((p) => objectEvidence(p, `pod ${whyUnready(p)}`, { phase: p.status?.phase, node: p.spec?.nodeName })),
        ...(event ? [eventEvidence(event)] : []),
      ],
      hypotheses: [
        {
          statement: "Pods of the Deployment fail or cannot run (see the pod findings: crash loop, image, scheduling, node)",
          confidence: 0.5,
          actions: ["collect_diagnostics", "escalate"],
        },
      ],
    },
  ];
}

function paused(d: V1Deployment): FindingDraft[] {
  if (!d.spec?.paused) return [];
  const c = counts(d);
  const behind = c.updated < c.desired;
  // Pausing is a deliberate tool (canary checks, batching changes): info, unless it holds back an update while replicas are missing.
  const degraded = behind && c.available < c.desired;
  return [
    {
      code: "DEPLOYMENT_ROLLOUT_PAUSED",
      severity: degraded ? "warning" : "info",
      resource: refOf(d),
      summary: `Rollout of deployment ${nameOf(d)} is paused${behind ? ` with ${c.updated}/${c.desired} replicas updated` : ""}`,
      detail: `spec.paused is true: template changes are not rolled out until it is resumed. ${c.available}/${c.desired} available, ${c.updated} updated.`,
      evidence: [
        objectEvidence(d, "spec.paused=true", {
          paused: true,
          replicas: c.desired,
          updatedReplicas: c.updated,
          availableReplicas: c.available,
        }),
      ],
      hypotheses: [
        {
          statement: "Someone paused the rollout on purpose (a canary check, or to batch changes) and it may have been forgotten",
          confidence: 0.5,
          actions: ["resume_rollout", "notify_only"],
        },
      ],
    },
  ];
}

export const deploymentAnalyzer = defineAnalyzer({
  name: "deployment",
  area: "workload",
  kind: "Deployment",
  analyze: (d: V1Deployment, ctx) => [...progressDeadline(d, ctx), ...replicasUnavailable(d, ctx), ...paused(d)],
});
