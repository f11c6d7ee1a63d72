// What the cache keeps of each kind and how it finds it: the kind's own indexes, and what is dropped on
// ingest because no reader needs it and it would cost memory on a large cluster:
// - metadata.managedFields on every object (often the largest part of it): writers that need field
//   ownership (the executor's conflict check) read the live object with KubeClient.get;
// - the kubectl last-applied-configuration annotation (a second copy of the object);
// - ConfigMap data and binaryData: only their metadata is cached.
import type { CoreV1Event, V1ConfigMap, V1EndpointSlice, V1PersistentVolume, V1Pod } from "@kubernetes/client-node";
import type { Indexer } from "./kind-store.js";
import type { KindModels, KindName } from "./kinds.js";

/** A ConfigMap as cached: everything but its data. */
export type ConfigMapMetadata = Omit<V1ConfigMap, "data" | "binaryData">;

/** Kind → the model of its cached objects. */
export type CachedModels = Omit<KindModels, "ConfigMap"> & { ConfigMap: ConfigMapMetadata };
export type CachedObjectOf<K extends KindName> = CachedModels[K];

/** The kinds a cache starts when none are named: what the analyzer, executor and effectiveness read. */
export const DEFAULT_CACHED_KINDS: readonly KindName[] = [
  "Pod",
  "Node",
  "Event",
  "Namespace",
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "Service",
  "Endpoints",
  "EndpointSlice",
  "Ingress",
  "NetworkPolicy",
  "PersistentVolumeClaim",
  "PersistentVolume",
  "StorageClass",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "ConfigMap",
];

/** Where an event points: its involved object's uid, and kind/namespace/name (events of a deleted object's predecessor share the name). */
export const involvedKeys = (ref: { kind?: string; namespace?: string; name?: string; uid?: string }): string[] => {
  const keys = [`ref:${ref.kind ?? ""}/${ref.namespace ?? ""}/${ref.name ?? ""}`];
  if (ref.uid) keys.unshift(`uid:${ref.uid}`);
  return keys;
};

const INDEXERS: { [K in KindName]?: Record<string, Indexer<CachedObjectOf<K>>> } = {
  Pod: {
    node: (p: V1Pod) => (p.spec?.nodeName ? [p.spec.nodeName] : []),
    /** namespace/claimName of each PVC the pod mounts. */
    pvc: (p: V1Pod) =>
      (p.spec?.volumes ?? []).flatMap((v) =>
        v.persistentVolumeClaim ? [`${p.metadata?.namespace ?? ""}/${v.persistentVolumeClaim.claimName}`] : [],
      ),
  },
  Event: {
    involved: (e: CoreV1Event) => involvedKeys(e.involvedObject ?? {}),
  },
  EndpointSlice: {
    service: (s: V1EndpointSlice) => {
      const svc = s.metadata?.labels?.["kubernetes.io/service-name"];
      return svc ? [svc] : [];
    },
  },
  PersistentVolume: {
    /** namespace/name of the claim bound to it. */
    claim: (pv: V1PersistentVolume) => (pv.spec?.claimRef?.name ? [`${pv.spec.claimRef.namespace ?? ""}/${pv.spec.claimRef.name}`] : []),
  },
};

export const indexersOf = <K extends KindName>(kind: K): Record<string, Indexer<CachedObjectOf<K>>> => INDEXERS[kind] ?? {};

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Drops what the cache never serves (see above); the object is fresh from the wire, so it is changed in place. */
export function ingest<K extends KindName>(kind: K, obj: KindModels[K]): CachedObjectOf<K> {
  const meta = obj.metadata;
  if (meta) {
    delete meta.managedFields;
    if (meta.annotations && LAST_APPLIED in meta.annotations) delete meta.annotations[LAST_APPLIED];
  }
  if (kind === "ConfigMap") {
    const cm = obj as V1ConfigMap;
    delete cm.data;
    delete cm.binaryData;
  }
  return obj;
}
