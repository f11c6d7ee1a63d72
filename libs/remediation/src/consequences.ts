// What a planned change would do, in the terms the policy's preflight checks judge: resources that must still
// fit a node, the LimitRange and the ResourceQuota; replicas that must fit capacity and quota; pods whose
// eviction needs PodDisruptionBudget headroom; nodes cordoned; and the object fields written, whose owners
// (managedFields) must not be a GitOps controller or an HPA.
import type { KubernetesObject, V1PodSpec } from "@kubernetes/client-node";
import type { ResourceRef } from "@vigil/contracts";

/** A FieldsV1 path as managedFields spell it: `["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"app"}', "f:resources"]`. */
export type FieldPath = readonly string[];

export interface ResourceChange {
  /** The workload whose pod template changes. */
  workload: ResourceRef;
  /** Pods the workload runs (desired replicas; DaemonSet: nodes it runs on). */
  replicas: number;
  /** The pod spec after the change: what must fit a node, the LimitRange and the quota. */
  podSpecAfter: V1PodSpec;
  /** The pod spec before, so quota checks can charge only the difference. */
  podSpecBefore: V1PodSpec;
}

export interface ReplicaChange {
  workload: ResourceRef;
  from: number;
  to: number;
  /** The pod spec each new replica gets. */
  podSpec: V1PodSpec;
}

export interface DisruptedPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** `evict` goes through the eviction API (PDBs apply); `delete` does not. */
  how: "evict" | "delete";
}

export interface FieldWrite {
  /** The live object as read with client.get (managedFields included; caches drop them). */
  object: KubernetesObject;
  /** The fields the patch sets. */
  fields: readonly FieldPath[];
  /** A write through a subresource (`scale`). */
  subresource?: string;
}

export interface Consequences {
  resources?: ResourceChange;
  replicas?: ReplicaChange;
  disruptedPods?: readonly DisruptedPod[];
  /** Nodes this action cordons (counted against the policy's limit of nodes cordoned at once). */
  cordonedNodes?: readonly string[];
  /** Object fields the change writes. */
  writes?: readonly FieldWrite[];
  /** Namespaces the change mutates besides the target's own (a NetworkPolicy created next to a pod...). */
  namespaces?: readonly string[];
  /** Nothing in the cluster changes (notify, escalate, collect_diagnostics). */
  readOnly?: boolean;
}

/** `k:{"name":"app"}`: the FieldsV1 key of a list item by its merge key. */
export const itemKey = (key: Record<string, string | number>): string => `k:${JSON.stringify(key)}`;

/** `["spec", "replicas"]` → `["f:spec", "f:replicas"]`; items given with itemKey are kept as they are. */
export const fieldPath = (...parts: string[]): FieldPath => parts.map((p) => (p.startsWith("k:") || p.startsWith("v:") ? p : `f:${p}`));
