// A HorizontalPodAutoscaler's replica bounds: finding the HPA that controls a workload (its scaleTargetRef), and
// the change of minReplicas/maxReplicas as a JSON merge patch with its snapshot, verification and revert. Shared by
// update_hpa and by scale_deployment / scale_statefulset, which change the HPA instead of fighting it: a direct
// scale of an HPA-controlled workload is undone by the HPA at its next sync.
import type { V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import { refOf, type ResourceRef as KubeRef } from "@vigil/kube";
import type { ActionPlan, FieldSnapshot } from "../../action-implementation.js";
import { fieldPath, type Consequences } from "../../consequences.js";
import type { KubeReader, KubeWriter } from "../../kube-ops.js";
import { subjectOf } from "./workload-ref.js";

export interface HpaBounds {
  minReplicas: number;
  maxReplicas: number;
}

/** minReplicas defaults to 1 (the API server's default), maxReplicas is required. */
export const boundsOf = (hpa: V2HorizontalPodAutoscaler): HpaBounds => ({
  minReplicas: hpa.spec?.minReplicas ?? 1,
  maxReplicas: hpa.spec?.maxReplicas ?? 0,
});

/** The HPA of the namespace whose scaleTargetRef names the workload, if any. */
export async function hpaControlling(kube: KubeReader, workload: KubeRef): Promise<V2HorizontalPodAutoscaler | undefined> {
  const hpas = await kube.list("HorizontalPodAutoscaler", { ...(workload.namespace ? { namespace: workload.namespace } : {}) });
  return hpas.find((h) => {
    const t = h.spec?.scaleTargetRef;
    const group = t?.apiVersion?.split("/")[0];
    return t?.kind === workload.kind && t.name === workload.name && (t.apiVersion === undefined || group === "apps");
  });
}

/** "minReplicas 2 → 4 and maxReplicas 4 → 6": what changes, in words. */
export function describeBoundsChange(from: HpaBounds, to: HpaBounds): string {
  const parts: string[] = [];
  if (to.minReplicas !== from.minReplicas) parts.push(`minReplicas ${from.minReplicas} → ${to.minReplicas}`);
  if (to.maxReplicas !== from.maxReplicas) parts.push(`maxReplicas ${from.maxReplicas} → ${to.maxReplicas}`);
  return parts.join(" and ");
}

const snapshot = (b: HpaBounds): FieldSnapshot => ({ "spec.minReplicas": b.minReplicas, "spec.maxReplicas": b.maxReplicas });

/** The part of a plan that moves the HPA's bounds from `from` to `to` (which differ); the caller adds summary and consequences. */
export function hpaBoundsPlan(
  hpa: V2HorizontalPodAutoscaler,
  from: HpaBounds,
  to: HpaBounds,
): Pick<ActionPlan, "subject" | "before" | "apply" | "verify" | "revert"> & { writes: NonNullable<Consequences["writes"]> } {
  const ref = refOf("HorizontalPodAutoscaler", hpa);
  const fields = [
    ...(to.minReplicas !== from.minReplicas ? [fieldPath("spec", "minReplicas")] : []),
    ...(to.maxReplicas !== from.maxReplicas ? [fieldPath("spec", "maxReplicas")] : []),
  ];
  const setBounds = async (kube: KubeWriter, b: HpaBounds) =>
    boundsOf(await kube.patch(ref, "merge", { spec: { minReplicas: b.minReplicas, maxReplicas: b.maxReplicas } }));
  return {
    subject: subjectOf(ref, hpa),
    before: snapshot(from),
    writes: [{ object: hpa, fields }],
    async apply(kube) {
      return { after: snapshot(await setBounds(kube, to)) };
    },
    async verify(kube) {
      const now = boundsOf(await kube.get(ref));
      const ok = now.minReplicas === to.minReplicas && now.maxReplicas === to.maxReplicas;
      return ok
        ? { ok: true, detail: `HPA ${ref.namespace}/${ref.name} has minReplicas ${now.minReplicas}, maxReplicas ${now.maxReplicas}` }
        : {
            ok: false,
            detail: `HPA ${ref.namespace}/${ref.name} has minReplicas ${now.minReplicas}, maxReplicas ${now.maxReplicas}, not ${to.minReplicas}/${to.maxReplicas}`,
          };
    },
    async revert(kube) {
      return snapshot(await setBounds(kube, from));
    },
  };
}
