// HorizontalPodAutoscaler (autoscaling/v2), from the conditions the HPA controller writes:
// - ScalingLimited=True TooManyReplicas with current = max → HPA_AT_MAX_REPLICAS (raise maxReplicas);
// - ScalingActive=False (FailedGetResourceMetric...) → HPA_METRICS_UNAVAILABLE: the fix is usually the workload's
//   requests (utilization is relative to them), not the HPA;
// - AbleToScale=False (FailedGetScale, FailedUpdateScale), or a scale target missing from the cache →
//   HPA_UNABLE_TO_SCALE.
// Not findings: TooFewReplicas at minReplicas (the HPA wants fewer: normal when idle), ScalingActive=False
// ScalingDisabled (the target was scaled to zero on purpose), an HPA below its maximum, rate-limit reasons.
import type { V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerCondition } from "@kubernetes/client-node";
import type { ClusterCache, KindName } from "@vigil/kube";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { eventEvidence, iso, objectEvidence, refOf } from "../../evidence.js";

const SCALABLE: ReadonlySet<string> = new Set(["Deployment", "StatefulSet", "ReplicaSet"]);

const cond = (hpa: V2HorizontalPodAutoscaler, type: string) => hpa.status?.conditions?.find((c) => c.type === type);
const condFields = (c: V2HorizontalPodAutoscalerCondition) => ({
  type: c.type,
  status: c.status,
  reason: c.reason,
  message: c.message,
  since: iso(c.lastTransitionTime),
});

/** `missing request for cpu in container recommender of Pod recommendations-…`: the container and resource. */
const MISSING_REQUEST = /missing request for (\w+) in container ([\w.-]+) of Pod ([\w.-]+)/;

function targetExists(cache: ClusterCache, hpa: V2HorizontalPodAutoscaler): boolean | undefined {
  const ref = hpa.spec?.scaleTargetRef;
  if (!ref || !SCALABLE.has(ref.kind) || !cache.has(ref.kind as KindName)) return undefined;
  return cache.get({ kind: ref.kind as KindName, namespace: hpa.metadata?.namespace ?? "default", name: ref.name }) !== undefined;
}

export const hpaAnalyzer = defineAnalyzer({
  name: "hpa",
  area: "autoscaling",
  kind: "HorizontalPodAutoscaler",
  analyze(hpa, ctx) {
    const out: FindingDraft[] = [];
    const target = `${hpa.spec?.scaleTargetRef?.kind} ${hpa.spec?.scaleTargetRef?.name}`;
    const name = `${hpa.metadata?.namespace}/${hpa.metadata?.name}`;
    const able = cond(hpa, "AbleToScale");
    const exists = targetExists(ctx.cache, hpa);
    if (exists === false || able?.status === "False") {
      out.push({
        code: "HPA_UNABLE_TO_SCALE",
        severity: "warning",
        resource: refOf(hpa),
        summary:
          exists === false ? `HPA ${name} scales ${target}, which does not exist` : `HPA ${name} cannot scale ${target}: ${able?.reason}`,
        detail:
          exists === false
            ? `Its scaleTargetRef names ${target}, which is not in namespace ${hpa.metadata?.namespace}.`
            : (able?.message ?? ""),
        evidence: [
          objectEvidence(hpa, `HPA ${name} AbleToScale=${able?.status ?? "?"}`, {
            scaleTargetRef: hpa.spec?.scaleTargetRef,
            ...(able ? { ableToScale: condFields(able) } : {}),
          }),
          ...warnings(hpa, ctx),
        ],
        hypotheses: [
          exists === false
            ? {
                statement: `The target was renamed or deleted: point scaleTargetRef at the workload, or delete the HPA`,
                confidence: 0.7,
                actions: ["escalate"],
              }
            : {
                statement: `The HPA controller cannot read or write ${target}'s scale subresource (RBAC, admission, or the target)`,
                confidence: 0.5,
                actions: ["escalate"],
              },
        ],
      });
    }
    const active = cond(hpa, "ScalingActive");
    if (active?.status === "False" && active.reason !== "ScalingDisabled") out.push(metricsUnavailable(hpa, active, target, ctx));
    const limited = cond(hpa, "ScalingLimited");
    const max = hpa.spec?.maxReplicas;
    const current = hpa.status?.currentReplicas ?? 0;
    if (limited?.status === "True" && limited.reason === "TooManyReplicas" && max !== undefined && current >= max) {
      const metrics = (hpa.status?.currentMetrics ?? [])
        .filter((m) => m.resource?.current?.averageUtilization !== undefined)
        .map((m) => `${m.resource?.name} ${m.resource?.current?.averageUtilization}%`);
      const targets = (hpa.spec?.metrics ?? [])
        .filter((m) => m.resource?.target?.averageUtilization !== undefined)
        .map((m) => `${m.resource?.name} ${m.resource?.target?.averageUtilization}%`);
      out.push({
        code: "HPA_AT_MAX_REPLICAS",
        severity: "warning",
        resource: refOf(hpa),
        summary: `HPA ${name} is pinned at maxReplicas ${max}${metrics.length ? ` with ${metrics.join(", ")} (target ${targets.join(", ")})` : ""}`,
        detail: `${limited.message ?? "The desired replica count is above the maximum."} ${target} runs ${current} replica(s), the most the HPA may set, so load above that is not absorbed.`,
        evidence: [
          objectEvidence(hpa, `HPA ${name}: ${current}/${max} replicas, ScalingLimited TooManyReplicas`, {
            minReplicas: hpa.spec?.minReplicas,
            maxReplicas: max,
            currentReplicas: current,
            desiredReplicas: hpa.status?.desiredReplicas,
            currentMetrics: metrics,
            targets,
            scalingLimited: condFields(limited),
          }),
        ],
        hypotheses: [
          {
            statement: `Demand exceeds what ${max} replicas can serve: raise maxReplicas (if the cluster has room); restarting ${target} will not help, the same load lands on the same number of pods`,
            confidence: 0.75,
            actions: ["update_hpa"],
          },
        ],
      });
    }
    return out;
  },
});

function warnings(hpa: V2HorizontalPodAutoscaler, ctx: AnalysisContext) {
  return ctx.cache
    .eventsFor({
      kind: "HorizontalPodAutoscaler",
      namespace: hpa.metadata?.namespace ?? "default",
      name: hpa.metadata?.name ?? "",
      ...(hpa.metadata?.uid ? { uid: hpa.metadata.uid } : {}),
    })
    .filter((e) => e.type === "Warning")
    .slice(-2)
    .map(eventEvidence);
}

function metricsUnavailable(
  hpa: V2HorizontalPodAutoscaler,
  active: V2HorizontalPodAutoscalerCondition,
  target: string,
  ctx: AnalysisContext,
): FindingDraft {
  const name = `${hpa.metadata?.namespace}/${hpa.metadata?.name}`;
  const missing = MISSING_REQUEST.exec(active.message ?? "");
  const kind = hpa.spec?.scaleTargetRef?.kind ?? "";
  const canPatch = kind === "Deployment" || kind === "StatefulSet";
  return {
    code: "HPA_METRICS_UNAVAILABLE",
    severity: "warning",
    resource: refOf(hpa),
    summary: missing
      ? `HPA ${name} cannot compute ${missing[1]} utilization: container ${missing[2]} of ${target} has no ${missing[1]} request`
      : `HPA ${name} has no usable metric (${active.reason})`,
    detail: `${active.message ?? active.reason ?? ""} While ScalingActive is False the HPA keeps ${target} at ${hpa.status?.currentReplicas ?? "its current"} replica(s), whatever the load.`,
    evidence: [
      objectEvidence(hpa, `HPA ${name} ScalingActive=False ${active.reason}`, {
        scalingActive: condFields(active),
        metrics: hpa.spec?.metrics,
      }),
      ...warnings(hpa, ctx),
    ],
    hypotheses: missing
      ? [
          {
            statement: `Utilization is a percentage of the request: set a ${missing[1]} request on container ${missing[2]} of ${target}; raising maxReplicas (update_hpa) will not help, the HPA cannot compute any replica count`,
            confidence: 0.85,
            actions: canPatch ? ["increase_resources"] : ["escalate"],
          },
        ]
      : [
          {
            statement: `The metrics pipeline (metrics-server or a custom metrics adapter) does not serve the HPA's metric; changing the HPA's replica bounds will not help while it has no metric`,
            confidence: 0.5,
            actions: ["escalate"],
          },
        ],
  };
}
