// rollback_deployment: `kubectl rollout undo [--to-revision=N]`, with the same revision choice, template and
// annotations (see deployment-revisions.ts), refused for a paused Deployment as kubectl refuses it. `before` and
// `after` name the template leaves that change (the image, mostly). The revert rolls back to the revision that
// was current when the plan was made.
import type { V1Deployment } from "@kubernetes/client-node";
import { REVISION_ANNOTATION } from "@vigil/kube";
import { ActionFailure, ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import type { KubeWriter } from "../../kube-ops.js";
import { deploymentRevisions, type Revision, rollbackPatch, rollbackTarget } from "./deployment-revisions.js";
import { verifyRollout } from "./rollout-check.js";
import { leavesAt, sameTemplate, templateDiff } from "./template-diff.js";
import { describeObject, readTarget, subjectOf, targetRef } from "./workload-ref.js";

export const rollbackDeployment = defineActionImplementation({
  name: "rollback_deployment",
  async plan(ctx) {
    const ref = targetRef(ctx.target, ["Deployment"]);
    const deployment = await readTarget(ctx.kube, ref);
    const name = describeObject(ref);
    if (deployment.spec?.paused)
      throw new ActionRefusal(`${name} is paused: a rollback cannot proceed on a paused Deployment; resume it first (resume_rollout)`);
    const target = rollbackTarget(deployment, await deploymentRevisions(ctx.kube, deployment), ctx.parameters.toRevision);
    const currentRevision = deployment.metadata?.annotations?.[REVISION_ANNOTATION];
    const { before, after: planned } = templateDiff(deployment.spec?.template, target.template);
    const keys = Object.keys(before);
    const changes = keys
      .filter((k) => k.endsWith(".image"))
      .map((k) => `${String(before[k])} → ${String(planned[k])}`)
      .join(", ");

    const rollBack = async (kube: KubeWriter, live: V1Deployment, to: Revision) => kube.patch(ref, "json", rollbackPatch(live, to));
    return {
      summary: `roll back ${name} from revision ${currentRevision ?? "unknown"} to revision ${target.revision} (ReplicaSet ${target.replicaSet}${changes ? `: ${changes}` : ""})`,
      subject: subjectOf(ref, deployment),
      before,
      consequences: { writes: [{ object: deployment, fields: [fieldPath("spec", "template"), fieldPath("metadata", "annotations")] }] },
      async apply(kube) {
        const answer = await rollBack(kube, deployment, target);
        return {
          after: leavesAt(answer.spec?.template, keys),
          details: {
            fromRevision: currentRevision ?? null,
            toRevision: target.revision,
            replicaSet: target.replicaSet,
            generation: answer.metadata?.generation ?? 0,
          },
        };
      },
      verify: (kube, applied) =>
        verifyRollout(kube, ref, {
          generation: Number(applied.details?.generation ?? 0),
          pollIntervalMs: ctx.env.pollIntervalMs,
          signal: ctx.signal,
          check: (obj) =>
            sameTemplate(leavesAt(obj.spec?.template, keys), planned) ? undefined : `its template is not revision ${target.revision}'s`,
        }),
      async revert(kube) {
        // The revision that was current keeps its number (the rollback renumbers the target, not it).
        const live = await kube.get(ref);
        const back = (await deploymentRevisions(kube, live)).find((r) => String(r.revision) === currentRevision);
        if (!back)
          throw new ActionFailure(
            `${name}: revision ${currentRevision ?? "unknown"} (current before the rollback) is gone; cannot roll forward to it`,
          );
        const answer = await rollBack(kube, live, back);
        return leavesAt(answer.spec?.template, keys);
      },
    };
  },
});
