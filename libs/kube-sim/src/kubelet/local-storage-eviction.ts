// The eviction manager's local storage isolation (localStorageEviction, pkg/kubelet/eviction/eviction_manager.go):
// on every synchronize, before any node-pressure ranking, a pod writing more than its containers' ephemeral-storage
// limits is evicted on its own, so one runaway writer cannot fill the node. Pod-level limit first, then per container.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { formatBytes } from "../quantity.js";
import type { Pod } from "../types.js";
import { ephemeralStorage, podDiskUsage, writesDisk } from "./disk-usage.js";

/** podEphemeralStorageMessageFmt and containerEphemeralStorageMessageFmt (pkg/kubelet/eviction/helpers.go). */
export const podEphemeralStorageMessage = (limit: number): string =>
  `Pod ephemeral local storage usage exceeds the total limit of containers ${formatBytes(limit)}. `;
export const containerEphemeralStorageMessage = (container: string, limit: number): string =>
  `Container ${container} exceeded its local ephemeral storage limit "${formatBytes(limit)}". `;

/** Why the pod must be evicted for its own local storage use, or undefined while it stays within its limits. */
export const localStorageViolation = (cluster: Cluster, pod: Pod): string | undefined => {
  const usage = podDiskUsage(cluster, pod);
  if (usage.length === 0) return undefined;
  // resourcehelper.PodLimits: the sum of the limits containers declare; no limit anywhere means no pod-level check.
  let podLimit: number | undefined;
  for (const c of pod.spec.containers) {
    const l = ephemeralStorage(c, "limits");
    if (l !== undefined) podLimit = (podLimit ?? 0) + l;
  }
  if (podLimit === undefined) return undefined;
  const total = usage.reduce((n, u) => n + u.used, 0);
  if (total > podLimit) return podEphemeralStorageMessage(podLimit);
  for (const { container, used } of usage) {
    const limit = ephemeralStorage(container, "limits");
    if (limit !== undefined && used > limit) return containerEphemeralStorageMessage(container.name, limit);
  }
  return undefined;
};

/** Running pods that write to local storage, by node: the only ones local storage isolation has to look at. */
export const diskWritersByNode = (cluster: Cluster): Map<string, Pod[]> => {
  const out = new Map<string, Pod[]>();
  for (const p of cluster.list<Pod>(R.pods)) {
    const node = p.spec.nodeName;
    if (!node || p.status?.phase !== "Running" || !writesDisk(p)) continue;
    let list = out.get(node);
    if (!list) out.set(node, (list = []));
    list.push(p);
  }
  return out;
};
