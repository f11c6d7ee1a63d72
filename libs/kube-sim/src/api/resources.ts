// Every resource type the simulator serves: the data behind discovery, URL routing and kubectl's short names.
export interface ResourceType {
  group: string;
  /** Served versions, preferred first. The stored object is the same for every version. */
  versions: string[];
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: Array<"status" | "scale" | "eviction" | "log" | "binding" | "proxy" | "token">;
  /** Read-only virtual resources (metrics.k8s.io) computed on demand rather than stored. */
  virtual?: boolean;
  verbs?: string[];
}

const ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const all = ["all"];

// rbac.authorization.k8s.io kinds, and the create-only access and identity reviews (not stored, hence "virtual").
// The real server gives none of them short names.
const rbacType = (kind: string, plural: string, namespaced: boolean): ResourceType => ({
  group: "rbac.authorization.k8s.io",
  versions: ["v1"],
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
});

const rbacResourceTypes: ResourceType[] = [
  rbacType("Role", "roles", true),
  rbacType("RoleBinding", "rolebindings", true),
  rbacType("ClusterRole", "clusterroles", false),
  rbacType("ClusterRoleBinding", "clusterrolebindings", false),
];

const review = (group: string, versions: string[], kind: string, namespaced = false): ResourceType => ({
  group,
  versions,
  kind,
  plural: `${kind.toLowerCase()}s`,
  singular: "",
  namespaced,
  virtual: true,
  verbs: ["create"],
});

const reviewResourceTypes: ResourceType[] = [
  review("authorization.k8s.io", ["v1"], "LocalSubjectAccessReview", true),
  review("authorization.k8s.io", ["v1"], "SelfSubjectAccessReview"),
  review("authorization.k8s.io", ["v1"], "SelfSubjectRulesReview"),
  review("authorization.k8s.io", ["v1"], "SubjectAccessReview"),
  // kubectl auth whoami asks for v1 (1.28+) and falls back to v1beta1.
  review("authentication.k8s.io", ["v1", "v1beta1"], "SelfSubjectReview"),
  review("authentication.k8s.io", ["v1"], "TokenReview"),
];

export const resourceTypes: ResourceType[] = [
  {
    group: "",
    versions: ["v1"],
    kind: "Namespace",
    plural: "namespaces",
    singular: "namespace",
    namespaced: false,
    shortNames: ["ns"],
    subresources: ["status"],
  },
  {
    group: "",
    versions: ["v1"],
    kind: "Node",
    plural: "nodes",
    singular: "node",
    namespaced: false,
    shortNames: ["no"],
    subresources: ["status", "proxy"],
  },
  {
    group: "",
    versions: ["v1"],
    kind: "Pod",
    plural: "pods",
    singular: "pod",
    namespaced: true,
    shortNames: ["po"],
    categories: all,
    subresources: ["status", "eviction", "log", "binding"],
  },
  { group: "", versions: ["v1"], kind: "Event", plural: "events", singular: "event", namespaced: true, shortNames: ["ev"] },
  {
    group: "",
    versions: ["v1"],
    kind: "Service",
    plural: "services",
    singular: "service",
    namespaced: true,
    shortNames: ["svc"],
    categories: all,
    subresources: ["status"],
  },
  { group: "", versions: ["v1"], kind: "Endpoints", plural: "endpoints", singular: "endpoints", namespaced: true, shortNames: ["ep"] },
  // Kept in step with Services and pods by the EndpointSlice controller (controllers/endpointslice.ts).
  {
    group: "discovery.k8s.io",
    versions: ["v1"],
    kind: "EndpointSlice",
    plural: "endpointslices",
    singular: "endpointslice",
    namespaced: true,
  },
  // Node heartbeats (kube-node-lease/<node>, renewed by each kubelet) and leader election for anyone.
  { group: "coordination.k8s.io", versions: ["v1"], kind: "Lease", plural: "leases", singular: "lease", namespaced: true },
  { group: "", versions: ["v1"], kind: "ConfigMap", plural: "configmaps", singular: "configmap", namespaced: true, shortNames: ["cm"] },
  { group: "", versions: ["v1"], kind: "Secret", plural: "secrets", singular: "secret", namespaced: true },
  {
    group: "",
    versions: ["v1"],
    kind: "ServiceAccount",
    plural: "serviceaccounts",
    singular: "serviceaccount",
    namespaced: true,
    shortNames: ["sa"],
    subresources: ["token"],
  },
  {
    group: "",
    versions: ["v1"],
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    singular: "persistentvolumeclaim",
    namespaced: true,
    shortNames: ["pvc"],
    subresources: ["status"],
  },
  {
    group: "",
    versions: ["v1"],
    kind: "PersistentVolume",
    plural: "persistentvolumes",
    singular: "persistentvolume",
    namespaced: false,
    shortNames: ["pv"],
    subresources: ["status"],
  },
  {
    group: "",
    versions: ["v1"],
    kind: "ResourceQuota",
    plural: "resourcequotas",
    singular: "resourcequota",
    namespaced: true,
    shortNames: ["quota"],
    subresources: ["status"],
  },
  {
    group: "",
    versions: ["v1"],
    kind: "LimitRange",
    plural: "limitranges",
    singular: "limitrange",
    namespaced: true,
    shortNames: ["limits"],
  },
  {
    group: "storage.k8s.io",
    versions: ["v1"],
    kind: "StorageClass",
    plural: "storageclasses",
    singular: "storageclass",
    namespaced: false,
    shortNames: ["sc"],
  },
  {
    group: "apps",
    versions: ["v1"],
    kind: "Deployment",
    plural: "deployments",
    singular: "deployment",
    namespaced: true,
    shortNames: ["deploy"],
    categories: all,
    subresources: ["status", "scale"],
  },
  {
    group: "apps",
    versions: ["v1"],
    kind: "ReplicaSet",
    plural: "replicasets",
    singular: "replicaset",
    namespaced: true,
    shortNames: ["rs"],
    categories: all,
    subresources: ["status", "scale"],
  },
  {
    group: "apps",
    versions: ["v1"],
    kind: "StatefulSet",
    plural: "statefulsets",
    singular: "statefulset",
    namespaced: true,
    shortNames: ["sts"],
    categories: all,
    subresources: ["status", "scale"],
  },
  {
    group: "apps",
    versions: ["v1"],
    kind: "DaemonSet",
    plural: "daemonsets",
    singular: "daemonset",
    namespaced: true,
    shortNames: ["ds"],
    categories: all,
    subresources: ["status"],
  },
  {
    group: "apps",
    versions: ["v1"],
    kind: "ControllerRevision",
    plural: "controllerrevisions",
    singular: "controllerrevision",
    namespaced: true,
  },
  {
    group: "autoscaling",
    versions: ["v2"],
    kind: "HorizontalPodAutoscaler",
    plural: "horizontalpodautoscalers",
    singular: "horizontalpodautoscaler",
    namespaced: true,
    shortNames: ["hpa"],
    categories: all,
    subresources: ["status"],
  },
  {
    group: "policy",
    versions: ["v1", "v1beta1"],
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    singular: "poddisruptionbudget",
    namespaced: true,
    shortNames: ["pdb"],
    subresources: ["status"],
  },
  {
    group: "networking.k8s.io",
    versions: ["v1"],
    kind: "NetworkPolicy",
    plural: "networkpolicies",
    singular: "networkpolicy",
    namespaced: true,
    shortNames: ["netpol"],
  },
  {
    group: "networking.k8s.io",
    versions: ["v1"],
    kind: "Ingress",
    plural: "ingresses",
    singular: "ingress",
    namespaced: true,
    shortNames: ["ing"],
    subresources: ["status"],
  },
  {
    group: "batch",
    versions: ["v1"],
    kind: "Job",
    plural: "jobs",
    singular: "job",
    namespaced: true,
    categories: all,
    subresources: ["status"],
  },
  {
    group: "batch",
    versions: ["v1"],
    kind: "CronJob",
    plural: "cronjobs",
    singular: "cronjob",
    namespaced: true,
    shortNames: ["cj"],
    categories: all,
    subresources: ["status"],
  },
  ...rbacResourceTypes,
  ...reviewResourceTypes,
  {
    group: "metrics.k8s.io",
    versions: ["v1beta1"],
    kind: "NodeMetrics",
    plural: "nodes",
    singular: "",
    namespaced: false,
    virtual: true,
    verbs: ["get", "list"],
  },
  {
    group: "metrics.k8s.io",
    versions: ["v1beta1"],
    kind: "PodMetrics",
    plural: "pods",
    singular: "",
    namespaced: true,
    virtual: true,
    verbs: ["get", "list"],
  },
];

export const verbsOf = (t: ResourceType): string[] => t.verbs ?? ALL;

/** Store key of a resource type: "pods", "deployments.apps". */
export const storeKey = (t: { group: string; plural: string }): string => (t.group ? `${t.plural}.${t.group}` : t.plural);

const byPath = new Map<string, ResourceType>();
const byKind = new Map<string, ResourceType>();
for (const t of resourceTypes) {
  for (const v of t.versions) byPath.set(`${t.group}/${v}/${t.plural}`, t);
  if (!t.virtual) byKind.set(t.kind, t);
}

export const resourceAt = (group: string, version: string, plural: string): ResourceType | undefined =>
  byPath.get(`${group}/${version}/${plural}`);

/** The stored resource type of a kind (manifests name kinds, not plurals). */
export const resourceOfKind = (kind: string): ResourceType | undefined => byKind.get(kind);

export const apiVersionOf = (t: ResourceType): string => (t.group ? `${t.group}/${t.versions[0]}` : t.versions[0]!);

/** Well-known store keys, so controllers don't spell them by hand. */
export const R = {
  namespaces: "namespaces",
  nodes: "nodes",
  pods: "pods",
  events: "events",
  services: "services",
  endpoints: "endpoints",
  endpointslices: "endpointslices.discovery.k8s.io",
  leases: "leases.coordination.k8s.io",
  configmaps: "configmaps",
  secrets: "secrets",
  serviceaccounts: "serviceaccounts",
  pvcs: "persistentvolumeclaims",
  pvs: "persistentvolumes",
  resourcequotas: "resourcequotas",
  limitranges: "limitranges",
  storageclasses: "storageclasses.storage.k8s.io",
  deployments: "deployments.apps",
  replicasets: "replicasets.apps",
  statefulsets: "statefulsets.apps",
  daemonsets: "daemonsets.apps",
  controllerrevisions: "controllerrevisions.apps",
  hpas: "horizontalpodautoscalers.autoscaling",
  pdbs: "poddisruptionbudgets.policy",
  networkpolicies: "networkpolicies.networking.k8s.io",
  ingresses: "ingresses.networking.k8s.io",
  jobs: "jobs.batch",
  cronjobs: "cronjobs.batch",
} as const;

export const typeOfKey = new Map(resourceTypes.filter((t) => !t.virtual).map((t) => [storeKey(t), t]));

/** A kind, plural, singular or short name ("Deployment", "deployments", "deploy") → the stored resource type. */
export const resolveType = (name: string): ResourceType | undefined => {
  const lower = name.toLowerCase();
  return resourceTypes.find(
    (t) =>
      !t.virtual &&
      (t.kind === name || t.kind.toLowerCase() === lower || t.plural === lower || t.singular === lower || t.shortNames?.includes(lower)),
  );
};
