// What a reader of resource usage gets: the latest value with the time it describes, or the reason there is
// none (metrics-server absent, no sample yet, not polled yet...). Shared by the UsageCache poller and the
// analyzer's UsageView (libs/analysis re-exports these), so "unavailable" is said one way everywhere.
import type { NodeUsage, PodUsage } from "./resource-metrics.js";

export type UsageAnswer<T> = { available: true; value: T; at: Date } | { available: false; reason: string };

/** A PVC's filesystem as the kubelet of the node mounting it reports it (stats/summary, pvcRef volumes). */
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

/** Latest usage of nodes, pods and PVC volumes; every answer may be unavailable, with the reason. */
export interface UsageSource {
  node(name: string): UsageAnswer<NodeUsage>;
  pod(namespace: string, name: string): UsageAnswer<PodUsage>;
  volume(namespace: string, claim: string): UsageAnswer<VolumeUsage>;
}
