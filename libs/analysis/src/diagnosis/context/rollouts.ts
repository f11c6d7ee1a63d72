// Rollout history of the incident's owner, newest first, from the cache only: a Deployment's ReplicaSets
// (always cached), a StatefulSet's or DaemonSet's ControllerRevisions when the cache holds them. No API call:
// without cached revisions the diagnosis has no rollout history rather than a slower hot path.
import type { DiagnosisContext, ResourceRef } from "@vigil/contracts";
import { rolloutHistory, type ClusterCache, type RolloutKind } from "@vigil/kube";
import { iso } from "../../evidence.js";

export const ROLLOUTS_MAX = 5;

const ROLLOUT_KINDS: ReadonlySet<string> = new Set<RolloutKind>(["Deployment", "StatefulSet", "DaemonSet"]);

export async function rolloutsOf(owner: ResourceRef, cache: ClusterCache): Promise<DiagnosisContext["rollouts"]> {
  if (!ROLLOUT_KINDS.has(owner.kind) || !owner.namespace) return [];
  const kind = owner.kind as RolloutKind;
  const revisionKind = kind === "Deployment" ? "ReplicaSet" : "ControllerRevision";
  if (!cache.has(kind) || !cache.has(revisionKind)) return [];
  const ref = { kind, name: owner.name, namespace: owner.namespace };
  if (!cache.get(ref)) return [];
  const history = await rolloutHistory(ref, { cache });
  return history
    .filter((r) => Number.isInteger(r.revision) && r.revision > 0)
    .slice(0, ROLLOUTS_MAX)
    .map((r) => {
      const at = iso(r.createdAt);
      return { revision: r.revision, ...(at ? { at } : {}), ...(r.changeCause ? { changeCause: r.changeCause } : {}), images: r.images };
    });
}
