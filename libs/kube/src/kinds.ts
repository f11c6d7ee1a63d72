// Every kind this layer reads, caches or writes, one row each: where it is served (group, version, plural,
// scope), which client-node model its JSON becomes, and its subresources. Supporting another kind is one
// row here (and one model type in KindModels).
import type {
  CoreV1Event,
  KubernetesObject,
  V1ConfigMap,
  V1ControllerRevision,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1Job,
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1ResourceQuota,
  V1Service,
  V1StatefulSet,
  V1StorageClass,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";

/** Kind → the client-node model of its objects. */
export interface KindModels {
  Pod: V1Pod;
  Node: V1Node;
  Event: CoreV1Event;
  Namespace: V1Namespace;
  Deployment: V1Deployment;
  ReplicaSet: V1ReplicaSet;
  StatefulSet: V1StatefulSet;
  DaemonSet: V1DaemonSet;
  Job: V1Job;
  CronJob: V1CronJob;
  ControllerRevision: V1ControllerRevision;
  Service: V1Service;
  Endpoints: V1Endpoints;
  EndpointSlice: V1EndpointSlice;
  Ingress: V1Ingress;
  NetworkPolicy: V1NetworkPolicy;
  PersistentVolumeClaim: V1PersistentVolumeClaim;
  PersistentVolume: V1PersistentVolume;
  StorageClass: V1StorageClass;
  HorizontalPodAutoscaler: V2HorizontalPodAutoscaler;
  PodDisruptionBudget: V1PodDisruptionBudget;
  ConfigMap: V1ConfigMap;
  ResourceQuota: V1ResourceQuota;
  LimitRange: V1LimitRange;
}

export type KindName = keyof KindModels;
export type ObjectOf<K extends KindName> = KindModels[K];

export type Subresource = "status" | "scale" | "eviction" | "log";

export interface KindDefinition {
  kind: KindName;
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** client-node's model name, used to turn wire JSON into the model (timestamps as Date, `from` as `_from`). */
  model: string;
  subresources: readonly Subresource[];
}

/** What a request is about: a kind, a name, and a namespace for namespaced kinds. */
export interface ResourceRef<K extends KindName = KindName> {
  kind: K;
  name: string;
  namespace?: string;
}

const def = (
  kind: KindName,
  group: string,
  version: string,
  plural: string,
  namespaced: boolean,
  model: string,
  subresources: Subresource[] = [],
): KindDefinition => ({
  kind,
  group,
  version,
  plural,
  namespaced,
  model,
  subresources,
});

export const KINDS: { readonly [K in KindName]: KindDefinition } = {
  Pod: def("Pod", "", "v1", "pods", true, "V1Pod", ["status", "eviction", "log"]),
  Node: def("Node", "", "v1", "nodes", false, "V1Node", ["status"]),
  Event: def("Event", "", "v1", "events", true, "CoreV1Event"),
  Namespace: def("Namespace", "", "v1", "namespaces", false, "V1Namespace", ["status"]),
  Deployment: def("Deployment", "apps", "v1", "deployments", true, "V1Deployment", ["status", "scale"]),
  ReplicaSet: def("ReplicaSet", "apps", "v1", "replicasets", true, "V1ReplicaSet", ["status", "scale"]),
  StatefulSet: def("StatefulSet", "apps", "v1", "statefulsets", true, "V1StatefulSet", ["status", "scale"]),
  DaemonSet: def("DaemonSet", "apps", "v1", "daemonsets", true, "V1DaemonSet", ["status"]),
  Job: def("Job", "batch", "v1", "jobs", true, "V1Job", ["status"]),
  CronJob: def("CronJob", "batch", "v1", "cronjobs", true, "V1CronJob", ["status"]),
  ControllerRevision: def("ControllerRevision", "apps", "v1", "controllerrevisions", true, "V1ControllerRevision"),
  Service: def("Service", "", "v1", "services", true, "V1Service", ["status"]),
  Endpoints: def("Endpoints", "", "v1", "endpoints", true, "V1Endpoints"),
  EndpointSlice: def("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", true, "V1EndpointSlice"),
  Ingress: def("Ingress", "networking.k8s.io", "v1", "ingresses", true, "V1Ingress", ["status"]),
  NetworkPolicy: def("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", true, "V1NetworkPolicy"),
  PersistentVolumeClaim: def("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", true, "V1PersistentVolumeClaim", ["status"]),
  PersistentVolume: def("PersistentVolume", "", "v1", "persistentvolumes", false, "V1PersistentVolume", ["status"]),
  StorageClass: def("StorageClass", "storage.k8s.io", "v1", "storageclasses", false, "V1StorageClass"),
  HorizontalPodAutoscaler: def(
    "HorizontalPodAutoscaler",
    "autoscaling",
    "v2",
    "horizontalpodautoscalers",
    true,
    "V2HorizontalPodAutoscaler",
    ["status"],
  ),
  PodDisruptionBudget: def("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", true, "V1PodDisruptionBudget", ["status"]),
  ConfigMap: def("ConfigMap", "", "v1", "configmaps", true, "V1ConfigMap"),
  ResourceQuota: def("ResourceQuota", "", "v1", "resourcequotas", true, "V1ResourceQuota", ["status"]),
  LimitRange: def("LimitRange", "", "v1", "limitranges", true, "V1LimitRange"),
};

export const isKindName = (name: string): name is KindName => Object.hasOwn(KINDS, name);

export const apiVersionOf = (d: KindDefinition): string => (d.group ? `${d.group}/${d.version}` : d.version);

/** `/api/v1` or `/apis/<group>/<version>`. */
const groupPath = (d: KindDefinition): string => (d.group ? `/apis/${d.group}/${d.version}` : `/api/${d.version}`);

/** The collection of a kind, in one namespace or all of them (cluster-scoped kinds ignore the namespace). */
export function collectionPath(d: KindDefinition, namespace?: string): string {
  return d.namespaced && namespace
    ? `${groupPath(d)}/namespaces/${encodeURIComponent(namespace)}/${d.plural}`
    : `${groupPath(d)}/${d.plural}`;
}

/** One object, or one of its subresources. A namespaced ref without a namespace means "default", as kubectl has it. */
export function objectPath(d: KindDefinition, ref: { name: string; namespace?: string }, subresource?: Subresource): string {
  const base = d.namespaced ? collectionPath(d, ref.namespace || "default") : collectionPath(d);
  return `${base}/${encodeURIComponent(ref.name)}${subresource ? `/${subresource}` : ""}`;
}

/** `deployments.apps "web"`: how the API server names an object in its messages. */
export const describeRef = (ref: ResourceRef): string => {
  const d = KINDS[ref.kind];
  const resource = d.group ? `${d.plural}.${d.group}` : d.plural;
  return `${resource} "${d.namespaced ? `${ref.namespace || "default"}/` : ""}${ref.name}"`;
};

/** The reference of an object that carries its kind (objects from this layer always do). */
export function refOf<K extends KindName>(kind: K, obj: KubernetesObject): ResourceRef<K> {
  const name = obj.metadata?.name ?? "";
  const namespace = obj.metadata?.namespace;
  return KINDS[kind].namespaced && namespace ? { kind, name, namespace } : { kind, name };
}
