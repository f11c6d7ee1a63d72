// What analyzers and views read of resource usage: metrics.k8s.io (metrics-server) for nodes and pods, and
// the kubelet's volume stats for PVCs. A poller (UsageCache in @vigil/kube) keeps the latest answers, so no
// analysis waits on metrics-server; each answer may be "unavailable", with the reason, and callers say so.
// The types live in @vigil/kube (which must not import this package); they are re-exported here under the
// names analyzers use.
import type { UsageSource } from "@vigil/kube";

export type { UsageAnswer, VolumeUsage } from "@vigil/kube";

/** The analysis side of UsageSource: a UsageCache is one, and tests may build their own. */
export type UsageView = UsageSource;

/** No metrics-server and no kubelet stats: every answer is unavailable. */
export const noUsage: UsageView = {
  node: () => ({ available: false, reason: "no usage source configured" }),
  pod: () => ({ available: false, reason: "no usage source configured" }),
  volume: () => ({ available: false, reason: "no usage source configured" }),
};
