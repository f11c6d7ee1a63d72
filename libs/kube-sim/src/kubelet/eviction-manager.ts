// The kubelet's eviction manager: when a hard eviction threshold is met (memory.available<100Mi, nodefs.available<10%,
// or pid.available on a node forced into PID pressure) it evicts one pod at a time, ranked as the kubelet ranks
// them: pods using more than they requested first, then lower priority, then the largest consumers.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { bytes, formatBytes } from "../quantity.js";
import {
  activePodsByNode,
  observedNodeUsage,
  pages,
  podTotals,
  MAX_PIDS,
  MEMORY_THRESHOLD_BYTES,
  NODEFS_THRESHOLD_PERCENT,
  PID_THRESHOLD_PERCENT,
  type NodeUsage,
} from "../metrics/node-usage.js";
import { containerUsage } from "./usage.js";
import { containerDiskBytes, ephemeralStorage, podDiskBytes } from "./disk-usage.js";
import { diskWritersByNode, localStorageViolation } from "./local-storage-eviction.js";
import { kubeletState } from "./runtime.js";
import type { Controller } from "../controllers/controller.js";
import type { Container, ContainerStatus, Node, Pod } from "../types.js";
import { hasKubelet } from "./kubelet-presence.js";

/** The eviction manager's synchronize period: after evicting a pod it waits before evicting the next. */
export const EVICTION_INTERVAL_MS = 10_000;
/** Pods of system-critical priority (system-cluster-critical and above) are never evicted for node pressure. */
const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

type Resource = "memory" | "ephemeral-storage" | "pids";

interface Candidate {
  pod: Pod;
  usage: number;
  request: number;
}

const memoryRequest = (c: Container): number => {
  const q = c.resources?.requests?.["memory"];
  return q === undefined ? 0 : bytes(q);
};

/** Quantity.String() of a binary-SI byte count: the canonical form, e.g. 1500Mi, 51196Ki, 0. */
const quantityString = (n: number): string => formatBytes(Math.max(0, Math.round(n)));

/** getThresholdMetInfo: the threshold as a quantity and what is available. */
const thresholdInfo = (resource: Resource, u: NodeUsage): { quantity: string; available: string } => {
  switch (resource) {
    case "memory":
      return { quantity: quantityString(MEMORY_THRESHOLD_BYTES), available: quantityString(u.memoryAvailable) };
    case "ephemeral-storage":
      return {
        quantity: quantityString(Math.trunc((u.fsCapacity * NODEFS_THRESHOLD_PERCENT) / 100)),
        available: quantityString(u.fsAvailable),
      };
    case "pids":
      return { quantity: String(Math.trunc((MAX_PIDS * PID_THRESHOLD_PERCENT) / 100)), available: String(MAX_PIDS - u.pids) };
  }
};

/** evictionMessage, including the per-container part for containers using more than they requested. */
export const evictionMessage = (cluster: Cluster, resource: Resource, pod: Pod, u: NodeUsage): string => {
  const t = thresholdInfo(resource, u);
  let message = `The node was low on resource: ${resource}. Threshold quantity: ${t.quantity}, available: ${t.available}. `;
  if (resource === "pids") return message;
  for (const c of pod.spec.containers) {
    const used = resource === "memory" ? pages(containerUsage(cluster, pod, c.name).memoryBytes) : containerDiskBytes(cluster, pod, c);
    const request = resource === "memory" ? memoryRequest(c) : (ephemeralStorage(c, "requests") ?? 0);
    if (used > request)
      message += `Container ${c.name} was using ${quantityString(used)}, request is ${quantityString(request)}, has larger consumption of ${resource}. `;
  }
  return message;
};

const critical = (pod: Pod): boolean =>
  (pod.spec.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY || !!pod.metadata.annotations?.["kubernetes.io/config.mirror"];

/** rankMemoryPressure / rankDiskPressure / rankPIDPressure as one ordering: exceeds requests, priority, usage above request. */
const rank = (candidates: Candidate[]): Candidate[] =>
  candidates.sort((a, b) => {
    const exceedsA = a.usage > a.request ? 0 : 1;
    const exceedsB = b.usage > b.request ? 0 : 1;
    if (exceedsA !== exceedsB) return exceedsA - exceedsB;
    const priority = (a.pod.spec.priority ?? 0) - (b.pod.spec.priority ?? 0);
    if (priority !== 0) return priority;
    return b.usage - b.request - (a.usage - a.request);
  });

export class EvictionManager implements Controller {
  readonly name = "eviction-manager";
  private readonly lastEviction = new Map<string, number>();

  reconcile(cluster: Cluster): void {
    const now = cluster.now();
    let byNode: Map<string, Pod[]> | undefined;
    const writers = diskWritersByNode(cluster);
    for (const node of cluster.list<Node>(R.nodes)) {
      const name = node.metadata.name!;
      if (!hasKubelet(cluster, node)) continue;
      const last = this.lastEviction.get(name);
      if (last !== undefined && now - last < EVICTION_INTERVAL_MS) continue;
      // Local storage isolation comes first; a synchronize that evicted for it does not rank for node pressure.
      if (this.evictOverLocalStorageLimits(cluster, writers.get(name), name, now)) continue;
      const u = observedNodeUsage(cluster, node);
      // The kubelet reclaims memory first, then disk, then PIDs.
      const resource: Resource | undefined = u.pressure.memory
        ? "memory"
        : u.pressure.disk
          ? "ephemeral-storage"
          : u.pressure.pid
            ? "pids"
            : undefined;
      if (!resource) continue;
      byNode ??= activePodsByNode(cluster);
      const pods = (byNode.get(name) ?? []).filter((p) => !critical(p));
      cluster.events.record(node, "EvictionThresholdMet", `Attempting to reclaim ${resource}`, {
        type: "Warning",
        source: { component: "kubelet", host: name },
      });
      this.lastEviction.set(name, now);
      const victim = rank(pods.map((pod) => this.candidate(cluster, pod, resource)))[0];
      if (victim) this.evict(cluster, victim.pod, evictionMessage(cluster, resource, victim.pod, u), name);
    }
  }

  private evictOverLocalStorageLimits(cluster: Cluster, pods: Pod[] | undefined, nodeName: string, now: number): boolean {
    let evicted = false;
    for (const pod of pods ?? []) {
      if (critical(pod)) continue;
      const message = localStorageViolation(cluster, pod);
      if (!message) continue;
      this.evict(cluster, pod, message, nodeName);
      evicted = true;
    }
    if (evicted) this.lastEviction.set(nodeName, now);
    return evicted;
  }

  private candidate(cluster: Cluster, pod: Pod, resource: Resource): Candidate {
    if (resource === "ephemeral-storage") {
      const request = pod.spec.containers.reduce((sum, c) => sum + (ephemeralStorage(c, "requests") ?? 0), 0);
      return { pod, usage: podDiskBytes(cluster, pod), request };
    }
    if (resource !== "memory") return { pod, usage: 0, request: 0 };
    const request = pod.spec.containers.reduce((sum, c) => sum + memoryRequest(c), 0);
    return { pod, usage: podTotals(cluster, pod).memoryBytes, request };
  }

  /** The pod fails with reason Evicted and its containers are killed; its controller replaces it elsewhere. */
  private evict(cluster: Cluster, pod: Pod, message: string, nodeName: string): void {
    const ts = cluster.timestamp();
    const source = { component: "kubelet", host: nodeName };
    const updated = cluster.updateStatus<Pod>(R.pods, pod.metadata.namespace, pod.metadata.name!, (d) => {
      const status = (d.status ??= { phase: "Pending" });
      status.phase = "Failed";
      status.reason = "Evicted";
      status.message = message;
      const conditions = (status.conditions ??= []);
      const set = (type: string, value: string, reason: string, msg?: string) => {
        const c = conditions.find((x) => x.type === type);
        const next = {
          type,
          status: value,
          reason,
          ...(msg ? { message: msg } : {}),
          lastProbeTime: null,
          lastTransitionTime: c && c.status === value ? c.lastTransitionTime : ts,
        };
        if (c) Object.assign(c, next);
        else conditions.push(next);
      };
      set("DisruptionTarget", "True", "TerminationByKubelet", message);
      set("Ready", "False", "PodFailed");
      set("ContainersReady", "False", "PodFailed");
      status.containerStatuses = (status.containerStatuses ?? []).map((cs) => terminated(cs, ts));
    });
    if (!updated) return;
    // The runtime's view too: the containers were killed (SIGKILL), so nothing of them runs or uses memory.
    for (const c of kubeletState(cluster).pods.get(pod.metadata.uid!)?.containers.values() ?? []) {
      if (c.stage !== "running" || !c.current) continue;
      Object.assign(c.current, { finishedAt: cluster.now(), exitCode: 137, reason: "Error", cause: "killed" });
      Object.assign(c, { stage: "terminated", since: cluster.now() });
    }
    cluster.events.record(updated, "Evicted", message, { type: "Warning", source });
    for (const c of pod.spec.containers) {
      cluster.events.record(updated, "Killing", `Stopping container ${c.name}`, { source, fieldPath: `spec.containers{${c.name}}` });
    }
  }
}

/** A container killed with SIGKILL (the hard-eviction grace period is 0). */
const terminated = (cs: ContainerStatus, ts: string): ContainerStatus => {
  const running = cs.state?.running;
  if (!running) return { ...cs, ready: false, started: false };
  return {
    ...cs,
    ready: false,
    started: false,
    state: {
      terminated: {
        exitCode: 137,
        reason: "Error",
        startedAt: running["startedAt"],
        finishedAt: ts,
        ...(cs.containerID ? { containerID: cs.containerID } : {}),
      },
    },
  };
};
