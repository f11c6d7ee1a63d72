// What a DELETE does to a stored object, as the generic registry decides it (rest.BeforeDelete and
// Store.updateForGracefulDeletionAndFinalizers): remove it now, keep it as it is (a deletion is already pending),
// or mark it with deletionTimestamp and deletionGracePeriodSeconds and keep it, for the kubelet to finish a pod's
// graceful termination or for its finalizers to be removed.
import { rfc3339 } from "../clock.js";
import { invalid } from "./status.js";
import { R, typeOfKey } from "./resources.js";
import type { KubeObject, Pod } from "../types.js";

export type DeletionPlan =
  { action: "remove" } | { action: "keep" } | { action: "mark"; deletionTimestamp: string; deletionGracePeriodSeconds: number };

/** pod.Spec.TerminationGracePeriodSeconds as defaulted by the API server (DefaultTerminationGracePeriodSeconds). */
const DEFAULT_POD_GRACE_SECONDS = 30;

/**
 * podStrategy.CheckGracefulDelete: the requested period, else the pod's own; an unscheduled or already terminal pod
 * has nothing to stop, so it goes at once.
 */
const podGracePeriod = (pod: Pod, requested: number | undefined): number => {
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
  return Math.max(0, requested ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS);
};

export const deletionPlan = (key: string, current: KubeObject, requestedGrace: number | undefined, now: number): DeletionPlan => {
  const meta = current.metadata;
  const finalizers = meta.finalizers?.length ?? 0;
  const pendingGrace = meta.deletionGracePeriodSeconds as number | undefined;
  if (meta.deletionTimestamp) {
    // Already being deleted: only a shorter grace period changes anything (BeforeDelete).
    if (!pendingGrace) return finalizers ? { action: "keep" } : { action: "remove" };
    if (requestedGrace === undefined || requestedGrace >= pendingGrace) return { action: "keep" };
    if (requestedGrace <= 0 && !finalizers) return { action: "remove" };
    const start = Date.parse(meta.deletionTimestamp) - pendingGrace * 1000;
    return { action: "mark", deletionTimestamp: rfc3339(start + requestedGrace * 1000), deletionGracePeriodSeconds: requestedGrace };
  }
  const grace = key === R.pods ? podGracePeriod(current as Pod, requestedGrace) : 0;
  if (grace > 0) return { action: "mark", deletionTimestamp: rfc3339(now + grace * 1000), deletionGracePeriodSeconds: grace };
  if (finalizers) return { action: "mark", deletionTimestamp: rfc3339(now), deletionGracePeriodSeconds: 0 };
  return { action: "remove" };
};

/** Store.Update's ShouldDeleteDuringUpdate: a deleting object whose grace period is over and whose last finalizer went. */
export const shouldRemoveAfterUpdate = (obj: KubeObject): boolean =>
  Boolean(obj.metadata.deletionTimestamp) && !obj.metadata.deletionGracePeriodSeconds && !obj.metadata.finalizers?.length;

/** ValidateNoNewFinalizers (apimachinery objectmeta validation): a deleting object takes no new finalizers. */
export const checkNoNewFinalizers = (key: string, next: KubeObject, current: KubeObject): void => {
  if (!current.metadata.deletionTimestamp) return;
  const old = new Set(current.metadata.finalizers ?? []);
  const extra = [...new Set(next.metadata.finalizers ?? [])].filter((f) => !old.has(f)).sort();
  if (extra.length === 0) return;
  const t = typeOfKey.get(key)!;
  throw invalid(t.kind, t.group, current.metadata.name ?? "", [
    {
      field: "metadata.finalizers",
      reason: "FieldValueForbidden",
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(", ")}}`,
    },
  ]);
};
