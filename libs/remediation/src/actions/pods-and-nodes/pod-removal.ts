// The snapshot and the verification of a pod taken away (deleted or evicted): `metadata.deletionTimestamp`
// before (null) and after (when termination began), and a check that the very pod planned on, by uid, is gone or
// terminating. The uid matters: a StatefulSet's replacement has the same name, and must not pass for the old pod.
import type { V1Pod } from "@kubernetes/client-node";
import type { FieldSnapshot, Verification } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";
import { isoOf, podKey } from "./pod-facts.js";

export const REMOVAL_FIELD = "metadata.deletionTimestamp";

export const removalBefore = (pod: V1Pod): FieldSnapshot => ({ [REMOVAL_FIELD]: isoOf(pod.metadata?.deletionTimestamp) });

/**
 * After the delete or eviction: the deletionTimestamp the API server set, or the cluster's now when the pod was
 * removed at once (unscheduled and finished pods go without a grace period), or, in a dry run, the now it would get.
 */
export async function removalAfter(kube: KubeReader, pod: V1Pod, dryRun: boolean, now: number): Promise<FieldSnapshot> {
  if (dryRun) return { [REMOVAL_FIELD]: new Date(now).toISOString() };
  const live = await kube.find({ kind: "Pod", name: pod.metadata?.name ?? "", namespace: pod.metadata?.namespace ?? "default" });
  const same = live && live.metadata?.uid === pod.metadata?.uid;
  return { [REMOVAL_FIELD]: (same ? isoOf(live.metadata?.deletionTimestamp) : null) ?? new Date(now).toISOString() };
}

/** The pod planned on (by uid) no longer runs: it is gone, replaced under the same name, or terminating. */
export async function verifyRemoved(kube: KubeReader, pod: V1Pod): Promise<Verification> {
  const live = await kube.find({ kind: "Pod", name: pod.metadata?.name ?? "", namespace: pod.metadata?.namespace ?? "default" });
  if (!live) return { ok: true, detail: `pod ${podKey(pod)} is gone` };
  if (live.metadata?.uid !== pod.metadata?.uid)
    return { ok: true, detail: `pod ${podKey(pod)} was replaced (new uid ${live.metadata?.uid})` };
  if (live.metadata?.deletionTimestamp)
    return { ok: true, detail: `pod ${podKey(pod)} is terminating since ${isoOf(live.metadata.deletionTimestamp)}` };
  return { ok: false, detail: `pod ${podKey(pod)} (uid ${pod.metadata?.uid}) is still running and not terminating` };
}
