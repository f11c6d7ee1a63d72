// A workload's current and previous revisions with their pods and when the current one was rolled out, read
// from the caches only (never the API server: this runs on every diagnosis). Deployments: their ReplicaSets
// (revision annotation, creation time). StatefulSets and DaemonSets: the pods' controller-revision-hash, with
// ControllerRevisions when the cache holds them; without them a previous revision is known only while pods of
// two revisions coexist (a rollout in progress).
import type { V1ControllerRevision, V1DaemonSet, V1Deployment, V1Pod, V1ReplicaSet, V1StatefulSet } from "@kubernetes/client-node";
import type { ClusterCache } from "@vigil/kube";
import { ms } from "../../evidence.js";

export type RolloutWorkload = V1Deployment | V1StatefulSet | V1DaemonSet;

export interface Revision {
  /** ReplicaSet name, or StatefulSet/DaemonSet revision hash. */
  name: string;
  revision?: number;
  images: string[];
  pods: V1Pod[];
}

export interface RolloutRevisions {
  current: Revision;
  previous: Revision;
  /** Pods of revisions older than the previous one (still running during a long rollout). */
  olderPods: V1Pod[];
  /** When the current revision was rolled out (epoch ms, cluster time). */
  rolledOutAt: number;
}

const REVISION = "deployment.kubernetes.io/revision";
const HASH_LABEL = "controller-revision-hash";

const imagesOf = (spec: { containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> } | undefined): string[] =>
  [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image ?? "").filter(Boolean);

const earliest = (pods: readonly V1Pod[]): number | undefined => {
  const times = pods.map((p) => ms(p.metadata?.creationTimestamp)).filter((t): t is number => t !== undefined);
  return times.length ? Math.min(...times) : undefined;
};

function deploymentRevisions(d: V1Deployment, cache: ClusterCache): RolloutRevisions | undefined {
  const sets = cache
    .store("ReplicaSet")
    .byOwner(d.metadata?.uid ?? "")
    .map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[REVISION]) }))
    .filter((x) => Number.isInteger(x.revision) && x.revision > 0)
    .sort((a, b) => b.revision - a.revision);
  const declared = Number(d.metadata?.annotations?.[REVISION]);
  const current = sets.find((x) => x.revision === declared) ?? sets[0];
  const previous = sets.find((x) => x.revision < (current?.revision ?? 0));
  if (!current || !previous) return undefined;
  const podsOf = (rs: V1ReplicaSet) => cache.store("Pod").byOwner(rs.metadata?.uid ?? "");
  const currentPods = podsOf(current.rs);
  let rolledOutAt = ms(current.rs.metadata?.creationTimestamp);
  // A rollback re-uses an older ReplicaSet: it was rolled out when it was scaled up again, i.e. when its pods came.
  if (rolledOutAt !== undefined && rolledOutAt < (ms(previous.rs.metadata?.creationTimestamp) ?? 0)) rolledOutAt = earliest(currentPods);
  if (rolledOutAt === undefined) return undefined;
  const revisionOf = (x: { rs: V1ReplicaSet; revision: number }, pods: V1Pod[]): Revision => ({
    name: x.rs.metadata?.name ?? "",
    revision: x.revision,
    images: imagesOf(x.rs.spec?.template?.spec),
    pods,
  });
  return {
    current: revisionOf(current, currentPods),
    previous: revisionOf(previous, podsOf(previous.rs)),
    olderPods: sets.filter((x) => x.revision < previous.revision).flatMap((x) => podsOf(x.rs)),
    rolledOutAt,
  };
}

/** StatefulSet pods carry the ControllerRevision's name as their hash label; DaemonSet pods only its hash suffix. */
function hashRevisions(w: V1StatefulSet | V1DaemonSet, cache: ClusterCache): RolloutRevisions | undefined {
  const uid = w.metadata?.uid ?? "";
  const name = w.metadata?.name ?? "";
  const pods = cache.store("Pod").byOwner(uid);
  // One key per revision: the hash (StatefulSet pods and status name the ControllerRevision, `<name>-<hash>`).
  const keyOf = (hash: string) => (hash.startsWith(`${name}-`) ? hash.slice(name.length + 1) : hash);
  const byHash = new Map<string, V1Pod[]>();
  for (const p of pods) {
    const hash = p.metadata?.labels?.[HASH_LABEL];
    if (hash) byHash.set(keyOf(hash), [...(byHash.get(keyOf(hash)) ?? []), p]);
  }
  const revisions = cache.kinds.includes("ControllerRevision")
    ? cache
        .store("ControllerRevision")
        .byOwner(uid)
        .sort((a, b) => b.revision - a.revision)
    : [];
  const crKey = (cr: V1ControllerRevision) => keyOf(cr.metadata?.name ?? "");
  let currentKey: string | undefined;
  let previousKey: string | undefined;
  let rolledOutAt: number | undefined;
  if (revisions.length >= 2) {
    const sts = w.kind === "StatefulSet" ? (w as V1StatefulSet).status?.updateRevision : undefined;
    const current = revisions.find((r) => sts !== undefined && r.metadata?.name === sts) ?? revisions[0]!;
    const previous = revisions.find((r) => r.revision < current.revision);
    currentKey = crKey(current);
    previousKey = previous ? crKey(previous) : undefined;
    rolledOutAt = ms(current.metadata?.creationTimestamp);
  } else if (byHash.size >= 2) {
    // Mid-rollout without ControllerRevisions: the StatefulSet names its revisions; for a DaemonSet the newest pods' hash is the new one.
    const status = w.kind === "StatefulSet" ? (w as V1StatefulSet).status : undefined;
    const byAge = [...byHash.entries()].sort((a, b) => (earliest(b[1]) ?? 0) - (earliest(a[1]) ?? 0));
    currentKey = status?.updateRevision ? keyOf(status.updateRevision) : byAge[0]![0];
    previousKey =
      status?.currentRevision && keyOf(status.currentRevision) !== currentKey
        ? keyOf(status.currentRevision)
        : byAge.find(([k]) => k !== currentKey)?.[0];
    rolledOutAt = earliest(byHash.get(currentKey) ?? []);
  }
  if (currentKey === undefined || previousKey === undefined || rolledOutAt === undefined) return undefined;
  const revisionOf = (key: string): Revision => {
    const cr = revisions.find((r) => crKey(r) === key);
    return {
      name: key,
      ...(cr ? { revision: cr.revision } : {}),
      images: key === currentKey ? imagesOf(w.spec?.template?.spec) : [],
      pods: byHash.get(key) ?? [],
    };
  };
  return {
    current: revisionOf(currentKey),
    previous: revisionOf(previousKey),
    olderPods: [...byHash.entries()].filter(([k]) => k !== currentKey && k !== previousKey).flatMap(([, p]) => p),
    rolledOutAt,
  };
}

export function rolloutRevisions(w: RolloutWorkload, cache: ClusterCache): RolloutRevisions | undefined {
  return w.kind === "Deployment" ? deploymentRevisions(w, cache) : hashRevisions(w as V1StatefulSet | V1DaemonSet, cache);
}
