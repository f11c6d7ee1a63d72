// restart_pod: deletes a pod so its controller creates a fresh one. Refused for a pod nothing would recreate (no
// controller, or a static pod's mirror) and for one already terminating; the delete carries the uid read while
// planning as a precondition, so a replacement that took the name in between is never deleted by mistake.
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { controllerOf, disruptedPod, isTerminating, isoOf, podKey, whyNotRecreated } from "./pod-facts.js";
import { removalAfter, removalBefore, verifyRemoved } from "./pod-removal.js";
import { readTarget, subjectOf } from "./target-object.js";

export const restartPod = defineActionImplementation({
  name: "restart_pod",
  async plan(ctx) {
    const pod = await readTarget(ctx.kube, "Pod", ctx.target);
    const notRecreated = whyNotRecreated(pod);
    if (notRecreated) throw new ActionRefusal(`restart_pod refused: ${notRecreated}`);
    if (isTerminating(pod))
      throw new ActionRefusal(
        `pod ${podKey(pod)} is already terminating (deletionTimestamp ${isoOf(pod.metadata?.deletionTimestamp)}): its controller is replacing it; wait for that instead of deleting it again`,
      );
    const { gracePeriodSeconds } = ctx.parameters;
    const owner = controllerOf(pod)!;
    const uid = pod.metadata?.uid ?? "";
    return {
      summary: `delete pod ${podKey(pod)} so ${owner.kind} ${owner.name} recreates it${gracePeriodSeconds !== undefined ? ` (grace period ${gracePeriodSeconds}s)` : ""}`,
      subject: subjectOf(ctx.target, pod),
      before: removalBefore(pod),
      consequences: { disruptedPods: [disruptedPod(pod, "delete")] },
      async apply(kube) {
        await kube.delete(
          { kind: "Pod", name: pod.metadata?.name ?? "", namespace: pod.metadata?.namespace ?? "default" },
          { preconditions: { uid }, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) },
        );
        return {
          after: await removalAfter(kube, pod, kube.dryRun, ctx.now()),
          details: { uid, controller: `${owner.kind}/${owner.name}` },
        };
      },
      verify: (kube) => verifyRemoved(kube, pod),
    };
  },
});
