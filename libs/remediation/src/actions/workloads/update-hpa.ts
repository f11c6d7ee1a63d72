// update_hpa: minReplicas and/or maxReplicas of a HorizontalPodAutoscaler, as a JSON merge patch. Refused when
// nothing would change or when the result would have minReplicas above maxReplicas (the API server would reject
// it; the message says which bound to move too). A new minimum above today's count is a scale-up (and a maximum
// below it a scale-down) that the HPA makes at its next sync: the plan reports it as `consequences.replicas`, so
// the capacity and quota preflight judges it as it judges scale_deployment.
import type { V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import type { ResourceRef as KubeRef } from "@vigil/kube";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import type { ReplicaChange } from "../../consequences.js";
import type { KubeReader } from "../../kube-ops.js";
import { boundsOf, describeBoundsChange, type HpaBounds, hpaBoundsPlan } from "./hpa-bounds.js";
import { describeObject, readTarget, subjectOf, targetRef } from "./workload-ref.js";

export const updateHpa = defineActionImplementation({
  name: "update_hpa",
  async plan(ctx) {
    const ref = targetRef(ctx.target, ["HorizontalPodAutoscaler"]);
    const hpa = await readTarget(ctx.kube, ref);
    const name = describeObject(ref);
    const from = boundsOf(hpa);
    const to = { minReplicas: ctx.parameters.minReplicas ?? from.minReplicas, maxReplicas: ctx.parameters.maxReplicas ?? from.maxReplicas };
    if (to.minReplicas > to.maxReplicas) {
      throw new ActionRefusal(
        `${name} would have minReplicas ${to.minReplicas} above maxReplicas ${to.maxReplicas}: give ${ctx.parameters.minReplicas === undefined ? "a lower minReplicas" : "a higher maxReplicas"} as well`,
      );
    }
    const change = describeBoundsChange(from, to);
    if (!change) throw new ActionRefusal(`${name} already has minReplicas ${from.minReplicas} and maxReplicas ${from.maxReplicas}`);
    const { writes, ...plan } = hpaBoundsPlan(hpa, from, to);
    const target = hpa.spec?.scaleTargetRef;
    const replicas = await forcedReplicaChange(ctx.kube, hpa, to);
    return {
      summary: `change ${name} ${change}${target ? ` (it scales ${target.kind} ${target.name}${replicas ? `, which goes from ${replicas.from} to ${replicas.to} replicas` : ""})` : ""}`,
      ...plan,
      consequences: { writes, ...(replicas ? { replicas } : {}) },
    };
  },
});

/** The scale the new bounds force on the HPA's target (a Deployment or StatefulSet), if any. */
async function forcedReplicaChange(kube: KubeReader, hpa: V2HorizontalPodAutoscaler, to: HpaBounds): Promise<ReplicaChange | undefined> {
  const t = hpa.spec?.scaleTargetRef;
  const kind = t?.kind;
  if (!t || (kind !== "Deployment" && kind !== "StatefulSet")) return undefined;
  const ref: KubeRef<"Deployment" | "StatefulSet"> = { kind, name: t.name, namespace: hpa.metadata?.namespace ?? "default" };
  const workload = await kube.find(ref);
  if (!workload) return undefined;
  const current = workload.spec?.replicas ?? 1;
  const next = Math.min(Math.max(current, to.minReplicas), to.maxReplicas);
  if (next === current) return undefined;
  return { workload: subjectOf(ref, workload).ref, from: current, to: next, podSpec: workload.spec?.template.spec ?? { containers: [] } };
}
