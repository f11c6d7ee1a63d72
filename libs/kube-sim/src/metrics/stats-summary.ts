// The kubelet's /stats/summary (stats/v1alpha1 Summary) for one node: node cpu, memory, fs and rlimit, and per
// pod its containers, volumes (PVC-backed ones with pvcRef, as kubelet_volume_stats_* are derived from them)
// and ephemeral storage. Numbers come from the same usage model as node pressure and metrics.k8s.io.
import type { Cluster } from "../cluster.js";
import { rfc3339 } from "../clock.js";
import { R } from "../api/resources.js";
import { ApiError } from "../api/status.js";
import { volumeBehaviour } from "../behaviour/vocabulary.js";
import { bytes } from "../quantity.js";
import { containerUsage } from "../kubelet/usage.js";
import { activePodsByNode, nodeUsage, pages } from "./node-usage.js";
import type { KubeObject, Node, Pod } from "../types.js";
import { containerDiskBytes } from "../kubelet/disk-usage.js";
import { hasKubelet } from "../kubelet/kubelet-presence.js";

const BYTES_PER_INODE = 16 * 1024;

/** Bytes a claim's volume holds now: what it held when bound plus its growth since, capped at its capacity. */
export const volumeUsage = (cluster: Cluster, pvc: KubeObject): { capacityBytes: number; usedBytes: number } => {
  const capacityText = pvc.status?.capacity?.storage ?? pvc.spec?.resources?.requests?.storage;
  const capacityBytes = capacityText === undefined ? 0 : bytes(capacityText);
  const b = volumeBehaviour(pvc);
  const pv = pvc.spec?.volumeName ? cluster.get(R.pvs, undefined, pvc.spec.volumeName) : undefined;
  // Claims carry no bind time: take the PV's last phase change, else the later of the PV's and the claim's creation
  // (a dynamically provisioned PV is created as it is bound; a pre-provisioned one binds once the claim exists).
  const time = (t: string | undefined): number => Date.parse(t ?? "") || 0;
  const boundAt =
    time(pv?.status?.lastPhaseTransitionTime) ||
    Math.max(time(pv?.metadata.creationTimestamp), time(pvc.metadata.creationTimestamp)) ||
    cluster.now();
  const grown = b.used + (b.growthPerSecond * Math.max(0, cluster.now() - boundAt)) / 1000;
  return { capacityBytes, usedBytes: Math.round(Math.min(capacityBytes, grown)) };
};

/** FsStats for a filesystem of this size and use. */
const fsStats = (time: string, capacityBytes: number, usedBytes: number) => {
  const inodes = Math.max(1, Math.floor(capacityBytes / BYTES_PER_INODE));
  const inodesUsed = Math.min(inodes, Math.floor(usedBytes / (4 * BYTES_PER_INODE)) + 11);
  return {
    time,
    availableBytes: Math.max(0, capacityBytes - usedBytes),
    capacityBytes,
    usedBytes,
    inodesFree: inodes - inodesUsed,
    inodes,
    inodesUsed,
  };
};

const cpuStats = (time: string, millis: number, sinceMs: number, now: number) => ({
  time,
  usageNanoCores: Math.round(millis * 1e6),
  usageCoreNanoSeconds: Math.round((millis * 1e6 * Math.max(0, now - sinceMs)) / 1000),
});

const memoryStats = (time: string, workingSet: number, limit?: number) => ({
  time,
  ...(limit !== undefined ? { availableBytes: Math.max(0, limit - workingSet) } : {}),
  // Usage includes reclaimable page cache on top of the working set.
  usageBytes: pages(workingSet * 1.08),
  workingSetBytes: workingSet,
  rssBytes: pages(workingSet * 0.9),
  pageFaults: 0,
  majorPageFaults: 0,
});

const volumeStats = (cluster: Cluster, pod: Pod, time: string, node: Node) => {
  const ns = pod.metadata.namespace ?? "default";
  const nodeFs = bytes(node.status?.capacity?.["ephemeral-storage"] ?? "100Gi");
  const nodeMemory = bytes(node.status?.capacity?.["memory"] ?? "16Gi");
  const out: object[] = [];
  for (const v of pod.spec.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (claim) {
      const pvc = cluster.get(R.pvcs, ns, claim);
      if (!pvc || pvc.status?.phase !== "Bound") continue;
      const u = volumeUsage(cluster, pvc);
      out.push({ ...fsStats(time, u.capacityBytes, u.usedBytes), name: v.name, pvcRef: { name: claim, namespace: ns } });
    } else if (v.emptyDir) {
      out.push({ ...fsStats(time, v.emptyDir.medium === "Memory" ? nodeMemory : nodeFs, 4096), name: v.name });
    } else if (v.configMap || v.secret || v.projected || v.downwardAPI) {
      out.push({ ...fsStats(time, nodeMemory, 12 * 1024), name: v.name });
    }
  }
  return out;
};

export const statsSummary = (cluster: Cluster, nodeName: string): object => {
  const node = cluster.mustGet<Node>(R.nodes, undefined, nodeName);
  if (!hasKubelet(cluster, node)) {
    const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? nodeName;
    throw new ApiError(500, "InternalError", `error trying to reach service: dial tcp ${ip}:10250: connect: connection refused`);
  }
  const now = cluster.now();
  const time = rfc3339(now);
  const pods = activePodsByNode(cluster).get(nodeName) ?? [];
  const u = nodeUsage(cluster, node, pods);
  const nodeStart = Date.parse(node.metadata.creationTimestamp ?? "") || now;
  return {
    node: {
      nodeName,
      startTime: rfc3339(nodeStart),
      cpu: cpuStats(time, u.cpuMillis, nodeStart, now),
      memory: { ...memoryStats(time, u.memoryWorkingSet), availableBytes: u.memoryAvailable },
      fs: fsStats(time, u.fsCapacity, u.fsUsed),
      runtime: { imageFs: fsStats(time, u.fsCapacity, u.fsUsed) },
      rlimit: { time, maxpid: 4194304, curproc: u.pids },
    },
    pods: pods.filter((p) => p.status?.startTime).map((pod) => podStats(cluster, pod, node, time, now)),
  };
};

const podStats = (cluster: Cluster, pod: Pod, node: Node, time: string, now: number) => {
  const podStart = Date.parse(pod.status?.startTime ?? "") || now;
  let cpu = 0;
  let memory = 0;
  let written = 0;
  const containers = (pod.status?.containerStatuses ?? [])
    .filter((s) => s.state?.running)
    .map((s) => {
      const usage = containerUsage(cluster, pod, s.name);
      const ws = pages(usage.memoryBytes);
      cpu += usage.cpuMillis;
      memory += ws;
      const spec = pod.spec.containers.find((c) => c.name === s.name);
      const limit = spec?.resources?.limits?.["memory"];
      const started = Date.parse(String(s.state.running?.["startedAt"] ?? "")) || podStart;
      const disk = spec ? containerDiskBytes(cluster, pod, spec) : 0;
      written += disk;
      return {
        name: s.name,
        startTime: rfc3339(started),
        cpu: cpuStats(time, usage.cpuMillis, started, now),
        memory: memoryStats(time, ws, limit === undefined ? undefined : bytes(limit)),
        rootfs: fsStats(time, bytes(node.status?.capacity?.["ephemeral-storage"] ?? "100Gi"), 40 * 1024 + disk),
        logs: fsStats(time, bytes(node.status?.capacity?.["ephemeral-storage"] ?? "100Gi"), 16 * 1024),
      };
    });
  const volume = volumeStats(cluster, pod, time, node);
  return {
    podRef: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
    startTime: rfc3339(podStart),
    containers,
    cpu: cpuStats(time, cpu, podStart, now),
    memory: memoryStats(time, memory),
    ...(volume.length ? { volume } : {}),
    "ephemeral-storage": fsStats(
      time,
      bytes(node.status?.capacity?.["ephemeral-storage"] ?? "100Gi"),
      containers.length * 56 * 1024 + written,
    ),
    process_stats: { process_count: containers.length * 4 },
  };
};
