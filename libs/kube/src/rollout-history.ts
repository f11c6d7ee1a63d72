// Rollout history, as `kubectl rollout history` shows it: a Deployment's ReplicaSets by their
// deployment.kubernetes.io/revision annotation, a StatefulSet's or DaemonSet's ControllerRevisions by
// revision number. Each entry has the pod template it ran, which is what a rollback restores. Read from the
// cache when the kinds are cached, else from the API server.
import type { KubernetesObject, V1ControllerRevision, V1PodTemplateSpec, V1ReplicaSet } from "@kubernetes/client-node";
import type { ClusterCache } from "./cluster-cache.js";
import type { KubeClient } from "./client.js";
import type { ResourceRef } from "./kinds.js";
import { fromWire } from "./wire.js";

export type RolloutKind = "Deployment" | "StatefulSet" | "DaemonSet";

export interface RolloutRevision {
  revision: number;
  /** The ReplicaSet (Deployment) or ControllerRevision (StatefulSet, DaemonSet). */
  kind: "ReplicaSet" | "ControllerRevision";
  name: string;
  createdAt?: Date;
  /** The kubernetes.io/change-cause annotation, when the change was recorded. */
  changeCause?: string;
  /** The pod template of this revision (what a rollback to it restores). */
  template?: V1PodTemplateSpec;
  /** Container images of the template, in order. */
  images: string[];
  /** The revision the workload runs or rolls out to now. */
  current: boolean;
  /** ReplicaSets only: their replica counts. */
  replicas?: number;
  readyReplicas?: number;
}

export interface RolloutSources {
  cache?: ClusterCache;
  client?: KubeClient;
}

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
const CHANGE_CAUSE = "kubernetes.io/change-cause";

/** Newest first. Rejects (KubeApiError 404) when the workload does not exist. */
export async function rolloutHistory(ref: ResourceRef<RolloutKind>, sources: RolloutSources): Promise<RolloutRevision[]> {
  const client = sources.client ?? sources.cache?.client;
  const owner = sources.cache?.get(ref) ?? (client ? await client.get(ref) : undefined);
  if (!owner) throw new Error(`${ref.kind} ${ref.namespace ?? "default"}/${ref.name} is not cached and no client was given`);
  const uid = owner.metadata?.uid ?? "";
  const namespace = owner.metadata?.namespace ?? ref.namespace ?? "default";
  const out =
    ref.kind === "Deployment"
      ? deploymentHistory(owner, await ownedBy("ReplicaSet", uid, namespace, sources.cache, client))
      : revisionHistory(owner, ref.kind, await ownedBy("ControllerRevision", uid, namespace, sources.cache, client));
  return out.sort((a, b) => b.revision - a.revision);
}

function deploymentHistory(deployment: KubernetesObject, sets: V1ReplicaSet[]): RolloutRevision[] {
  const current = deployment.metadata?.annotations?.[REVISION_ANNOTATION];
  return sets.flatMap((rs): RolloutRevision[] => {
    const revision = Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]);
    if (!Number.isInteger(revision)) return [];
    const template = rs.spec?.template;
    const cause = rs.metadata?.annotations?.[CHANGE_CAUSE];
    return [
      {
        revision,
        kind: "ReplicaSet",
        name: rs.metadata?.name ?? "",
        ...(rs.metadata?.creationTimestamp ? { createdAt: rs.metadata.creationTimestamp } : {}),
        ...(cause ? { changeCause: cause } : {}),
        ...(template ? { template } : {}),
        images: imagesOf(template),
        current: String(revision) === current,
        replicas: rs.status?.replicas ?? 0,
        readyReplicas: rs.status?.readyReplicas ?? 0,
      },
    ];
  });
}

function revisionHistory(owner: KubernetesObject, kind: "StatefulSet" | "DaemonSet", revisions: V1ControllerRevision[]): RolloutRevision[] {
  const status = (owner as { status?: { updateRevision?: string; currentRevision?: string } }).status;
  // A DaemonSet's status names no revision: the newest one is what it rolls out.
  const newest = Math.max(...revisions.map((r) => r.revision));
  return revisions.map((r) => {
    // Both controllers store `{spec: {template: {..., $patch: "replace"}}}`.
    const raw = (r.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
    const template = raw ? fromWire<V1PodTemplateSpec>(raw, "V1PodTemplateSpec") : undefined;
    const cause = r.metadata?.annotations?.[CHANGE_CAUSE];
    const name = r.metadata?.name ?? "";
    return {
      revision: r.revision,
      kind: "ControllerRevision",
      name,
      ...(r.metadata?.creationTimestamp ? { createdAt: r.metadata.creationTimestamp } : {}),
      ...(cause ? { changeCause: cause } : {}),
      ...(template ? { template } : {}),
      images: imagesOf(template),
      current: kind === "StatefulSet" ? name === (status?.updateRevision ?? status?.currentRevision) : r.revision === newest,
    };
  });
}

async function ownedBy<K extends "ReplicaSet" | "ControllerRevision">(
  kind: K,
  uid: string,
  namespace: string,
  cache: ClusterCache | undefined,
  client: KubeClient | undefined,
) {
  type T = K extends "ReplicaSet" ? V1ReplicaSet : V1ControllerRevision;
  if (cache?.has(kind)) return cache.store(kind).byOwner(uid) as T[];
  if (!client) throw new Error(`${kind}s are not cached and no client was given`);
  const { items } = await client.list(kind, { namespace });
  return (items as KubernetesObject[]).filter((o) => o.metadata?.ownerReferences?.some((r) => r.uid === uid)) as T[];
}

const imagesOf = (t: V1PodTemplateSpec | undefined): string[] => (t?.spec?.containers ?? []).map((c) => c.image ?? "");
