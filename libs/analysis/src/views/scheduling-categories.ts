// The categories of scheduling failure, with the seed's descriptions (k8s-cluster-agent getCategoryDescription)
// and ours for the categories it lacks, and the deterministic order they are listed in.
import type { SchedulingFailureCategory } from "@vigil/contracts";

export type { SchedulingFailureCategory } from "@vigil/contracts";

export const CATEGORY_DESCRIPTIONS: Readonly<Record<SchedulingFailureCategory, string>> = {
  InsufficientCPU: "Insufficient CPU resources available on nodes",
  InsufficientMemory: "Insufficient memory resources available on nodes",
  InsufficientStorage: "Insufficient storage resources available on nodes",
  InsufficientExtendedResource: "Insufficient extended resources (e.g. GPUs) available on nodes",
  TooManyPods: "Nodes already run as many pods as they allow",
  HostPortConflict: "Requested host ports are already in use on nodes",
  VolumeAttachmentError: "Failed to attach persistent volume to node",
  VolumeMultiAttachError: "Volume already attached to another node (ReadWriteOnce)",
  VolumeNodeAffinityConflict: "Volume zone/region doesn't match node placement",
  PVCUnbound: "Persistent volume claim is not bound",
  NodeAffinityNotMatch: "Node selector or affinity requirements not satisfied",
  TaintTolerationMismatch: "Node taints not tolerated by pod",
  PodAffinityConflict: "Pod affinity or anti-affinity constraints not satisfied",
  TopologySpreadConstraint: "Pod topology spread constraints not satisfied",
  NodeNotReady: "Node is not in ready state",
  NodeUnschedulable: "Node is cordoned (marked unschedulable)",
  Miscellaneous: "Other scheduling constraints not satisfied",
};

/** Sorted by count (descending), then by name, so the same cluster state always lists the same way. */
export function byCountThenName<T extends { category: string; count: number }>(a: T, b: T): number {
  return b.count - a.count || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0);
}
