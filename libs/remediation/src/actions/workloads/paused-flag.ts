// pause_rollout and resume_rollout: spec.paused of a Deployment, as a JSON merge patch (what `kubectl rollout
// pause|resume` sends). Refused when the Deployment is already in that state; the revert sets the old state back.
import { type ActionContext, type ActionPlan, ActionRefusal } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import type { KubeWriter } from "../../kube-ops.js";
import { describeObject, readTarget, subjectOf, targetRef } from "./workload-ref.js";

export async function pausedPlan(ctx: Pick<ActionContext, "target" | "kube">, paused: boolean): Promise<ActionPlan> {
  const ref = targetRef(ctx.target, ["Deployment"]);
  const deployment = await readTarget(ctx.kube, ref);
  const name = describeObject(ref);
  const was = deployment.spec?.paused ?? false;
  if (was === paused) throw new ActionRefusal(`${name} is ${paused ? "already paused" : "not paused"}`);
  const set = async (kube: KubeWriter, value: boolean) => ({
    "spec.paused": (await kube.patch(ref, "merge", { spec: { paused: value } })).spec?.paused ?? false,
  });
  const updated = deployment.status?.updatedReplicas ?? 0;
  const replicas = deployment.spec?.replicas ?? 1;
  return {
    summary: paused
      ? `pause the rollout of ${name} (${updated} of ${replicas} replicas run the newest template; no further pods are replaced)`
      : `resume the rollout of ${name} (it rolls out the current template: ${updated} of ${replicas} replicas run it)`,
    subject: subjectOf(ref, deployment),
    before: { "spec.paused": was },
    consequences: { writes: [{ object: deployment, fields: [fieldPath("spec", "paused")] }] },
    async apply(kube) {
      return { after: await set(kube, paused) };
    },
    async verify(kube) {
      const now = (await kube.get(ref)).spec?.paused ?? false;
      return now === paused
        ? { ok: true, detail: `${name} has spec.paused ${now}` }
        : { ok: false, detail: `${name} has spec.paused ${now}, not ${paused}` };
    },
    async revert(kube) {
      return set(kube, was);
    },
  };
}
