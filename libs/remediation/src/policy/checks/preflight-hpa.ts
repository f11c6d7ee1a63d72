// Preflight: a workload whose replicas an HPA controls is never scaled directly: the HPA would undo it at its
// next sync, or fight it. The change belongs to the HPA (update_hpa), and the reason says which one.
import { definePolicyCheck } from "../policy-check.js";
import { deny, refText } from "../verdicts.js";

export const hpaCheck = definePolicyCheck({
  id: "preflight.hpa",
  needsPlan: true,
  async evaluate({ plan }, ctx) {
    const change = plan?.consequences.replicas;
    if (!plan) return undefined;
    if (!change?.workload.namespace) return undefined;
    const { workload } = change;
    // A plan that changes the HPA's bounds (scale_deployment redirected, update_hpa) already goes the HPA's way.
    const writes = plan.consequences.writes ?? [];
    const writesWorkload = writes.some((w) => w.object.kind === workload.kind && w.object.metadata?.name === workload.name);
    if (writes.length > 0 && !writesWorkload) return undefined;
    const hpas = await ctx.kube.list("HorizontalPodAutoscaler", { namespace: workload.namespace });
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef.kind === workload.kind && h.spec.scaleTargetRef.name === workload.name);
    if (!hpa) return undefined;
    const name = `HorizontalPodAutoscaler ${workload.namespace}/${hpa.metadata?.name}`;
    return deny(
      "preflight.hpa",
      `${refText(workload)} is scaled by ${name} (min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas}): change the HPA instead (update_hpa on ${name})`,
    );
  },
});
