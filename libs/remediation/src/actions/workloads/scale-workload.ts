// scale_deployment and scale_statefulset: spec.replicas through the scale subresource (a merge patch of the Scale
// object, so no other field of the workload is touched). When an HPA controls the workload the plan changes the
// HPA instead, since the HPA would undo a direct scale at its next sync: a scale-up raises minReplicas to the
// requested count (and maxReplicas if below it), a scale-down lowers maxReplicas to it (and minReplicas if above).
import type { V1Deployment, V1StatefulSet } from "@kubernetes/client-node";
import { type ActionContext, type ActionPlan, ActionRefusal } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import { boundsOf, describeBoundsChange, hpaBoundsPlan, hpaControlling, type HpaBounds } from "./hpa-bounds.js";
import { describeObject, readTarget, subjectOf, targetRef } from "./workload-ref.js";

type ScaledKind = "Deployment" | "StatefulSet";

/** `ctx` of scale_deployment or scale_statefulset; `to` is its `replicas` parameter. */
export async function planScale(ctx: Pick<ActionContext, "target" | "kube">, kind: ScaledKind, to: number): Promise<ActionPlan> {
  const ref = targetRef(ctx.target, [kind]);
  const workload = (await readTarget(ctx.kube, ref)) as V1Deployment | V1StatefulSet;
  const from = workload.spec?.replicas ?? 1;
  const name = describeObject(ref);
  if (from === to) throw new ActionRefusal(`${name} already has ${to} replica${to === 1 ? "" : "s"}`);
  const podSpec = workload.spec?.template?.spec ?? { containers: [] };
  const replicas = { workload: subjectOf(ref, workload).ref, from, to, podSpec };

  const hpa = await hpaControlling(ctx.kube, ref);
  if (hpa) {
    const bounds = boundsOf(hpa);
    const wanted: HpaBounds =
      to > from
        ? { minReplicas: Math.max(bounds.minReplicas, to), maxReplicas: Math.max(bounds.maxReplicas, to) }
        : { minReplicas: Math.min(bounds.minReplicas, to), maxReplicas: Math.min(bounds.maxReplicas, to) };
    const hpaName = `HPA ${hpa.metadata?.name ?? ""}`;
    const change = describeBoundsChange(bounds, wanted);
    if (!change) {
      throw new ActionRefusal(
        `an HPA controls ${ref.namespace}/${ref.name}'s replicas and ${hpaName} already allows ${to} (minReplicas ${bounds.minReplicas}, maxReplicas ${bounds.maxReplicas}): the HPA decides the count from its metrics`,
      );
    }
    const { writes, ...hpaPlan } = hpaBoundsPlan(hpa, bounds, wanted);
    return {
      summary: `an HPA controls ${ref.namespace}/${ref.name}'s replicas: ${to > from ? "raising" : "lowering"} ${hpaName} ${change} instead (${name} runs ${from})`,
      ...hpaPlan,
      consequences: { replicas, writes },
    };
  }

  const scale = async (kube: Parameters<ActionPlan["apply"]>[0], replicasWanted: number) =>
    (await kube.scale(ref, replicasWanted)).replicas;
  return {
    summary: `scale ${name} from ${from} to ${to} replicas`,
    subject: subjectOf(ref, workload),
    before: { "spec.replicas": from },
    consequences: { replicas, writes: [{ object: workload, fields: [fieldPath("spec", "replicas")], subresource: "scale" }] },
    async apply(kube) {
      return { after: { "spec.replicas": await scale(kube, to) } };
    },
    async verify(kube) {
      const now = ((await kube.get(ref)) as V1Deployment | V1StatefulSet).spec?.replicas;
      return now === to
        ? { ok: true, detail: `${name} has spec.replicas ${to}` }
        : { ok: false, detail: `${name} has spec.replicas ${now ?? "unset"}, not ${to} (another writer changed it?)` };
    },
    async revert(kube) {
      return { "spec.replicas": await scale(kube, from) };
    },
  };
}
