// cleanup_failed_pods: deletes the pods of a namespace in phase Failed (kubelet evictions, OOM-killed or erroring
// Job pods) that failed more than minAgeMinutes ago on the cluster's clock, oldest first, at most maxPods. Recent
// failures stay: they are what an investigation reads. Each delete carries the pod's uid as a precondition. A
// namespace with nothing to clean is a refusal. Not reversible: a deleted pod's status and logs are gone.
import type { V1Pod } from "@kubernetes/client-node";
import { isConflict, isNotFound } from "@vigil/kube";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { isoOf } from "./pod-facts.js";
import { describeTarget } from "./target-object.js";

const fieldOf = (name: string) => `pods[${name}]`;

const ms = (t: Date | string | undefined): number | undefined => (t == null ? undefined : new Date(t).getTime());

/** When the pod failed: its last container's finish, else its last condition change, else when it started or was made. */
export function failedAt(pod: V1Pod): number {
  const finished = (pod.status?.containerStatuses ?? [])
    .map((c) => ms(c.state?.terminated?.finishedAt))
    .filter((t): t is number => t !== undefined);
  if (finished.length) return Math.max(...finished);
  const transitions = (pod.status?.conditions ?? []).map((c) => ms(c.lastTransitionTime)).filter((t): t is number => t !== undefined);
  if (transitions.length) return Math.max(...transitions);
  return ms(pod.status?.startTime) ?? ms(pod.metadata?.creationTimestamp) ?? 0;
}

export const cleanupFailedPods = defineActionImplementation({
  name: "cleanup_failed_pods",
  async plan(ctx) {
    const ns = ctx.target.name;
    const { minAgeMinutes, maxPods } = ctx.parameters;
    const failed = (await ctx.kube.list("Pod", { namespace: ns, fieldSelector: "status.phase=Failed" })).filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
    // Read after the list: the cluster clock is refreshed by the API server's answer (a virtual clock may have jumped).
    const cutoff = ctx.now() - minAgeMinutes * 60_000;
    const old = failed.filter((p) => failedAt(p) <= cutoff).sort((a, b) => failedAt(a) - failedAt(b));
    if (old.length === 0)
      throw new ActionRefusal(
        `no failed pods older than ${minAgeMinutes} minutes in ${describeTarget(ctx.target)}${failed.length ? ` (${failed.length} failed more recently and are kept for investigation)` : ""}: nothing to clean up`,
      );
    const chosen = old.slice(0, maxPods);
    const entry = (p: V1Pod) => ({ uid: p.metadata?.uid, reason: p.status?.reason ?? null, failedAt: isoOf(new Date(failedAt(p))) });
    return {
      summary: `delete ${chosen.length} failed pod(s) in namespace ${ns} that failed more than ${minAgeMinutes} minutes ago${old.length > chosen.length ? ` (${old.length - chosen.length} more left for a later run: maxPods ${maxPods})` : ""}`,
      before: Object.fromEntries(chosen.map((p) => [fieldOf(p.metadata?.name ?? ""), entry(p)])),
      consequences: {},
      async apply(kube) {
        const deleted: string[] = [];
        const alreadyGone: string[] = [];
        for (const p of chosen) {
          const name = p.metadata?.name ?? "";
          try {
            await kube.delete({ kind: "Pod", name, namespace: ns }, { preconditions: { uid: p.metadata?.uid ?? "" } });
            deleted.push(name);
          } catch (err) {
            // Deleted meanwhile, or the name now belongs to a new pod (the uid precondition): not ours to delete.
            if (isNotFound(err) || isConflict(err)) alreadyGone.push(name);
            else throw err;
          }
        }
        return {
          after: Object.fromEntries(chosen.map((p) => [fieldOf(p.metadata?.name ?? ""), null])),
          details: { deleted: deleted.map((name) => ({ name, ...entry(chosen.find((p) => p.metadata?.name === name)!) })), alreadyGone },
        };
      },
      async verify(kube) {
        const uids = new Set(chosen.map((p) => p.metadata?.uid));
        const left = (await kube.list("Pod", { namespace: ns, fieldSelector: "status.phase=Failed" })).filter(
          (p) => uids.has(p.metadata?.uid) && !p.metadata?.deletionTimestamp,
        );
        return left.length
          ? { ok: false, detail: `${left.length} of the failed pods are still there: ${left.map((p) => p.metadata?.name).join(", ")}` }
          : { ok: true, detail: `${chosen.length} failed pod(s) removed from namespace ${ns}` };
      },
    };
  },
});
