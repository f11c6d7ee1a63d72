// What analyzers and views read of resource usage: metrics.k8s.io (metrics-server) for nodes and pods, and
// the kubelet's volume stats for PVCs. A poller (UsageCache in @vigil/kube) keeps the latest answers, so no
// analysis waits on metrics-server; each answer may be "unavailable", with the reason, and callers say so.
import type { NodeUsage, PodUsage } from "@vigil/kube";

export type UsageAnswer<T> = { available: true; value: T; at: Date } | { available: false; reason: string };

export interface VolumeUsage {
  namespace: string;
  claim: string;
  capacityBytes: number;
  usedBytes: number;
  availableBytes: number;
  inodesUsed?: number;
  inodes?: number;
  /** The node whose kubelet reported it. */
  node: string;
}

export interface UsageView {
  node(name: string): UsageAnswer<NodeUsage>;
  pod(namespace: string, name: string): UsageAnswer<PodUsage>;
  volume(namespace: string, claim: string): UsageAnswer<VolumeUsage>;
}

/** No metrics-server and no kubelet stats: every answer is unavailable. */
export const noUsage: UsageView = {
  node: () => ({ available: false, reason: "no usage source configured" }),
  pod: () => ({ available: false, reason: "no usage source configured" }),
  volume: () => ({ available: false, reason: "no usage source configured" }),
};
