// What a kubelet observes on its node: the pods' usage plus the system's, against capacity, and the eviction
// signals derived from it (memory.available, nodefs.available, pid.available). Node status, the eviction
// manager, metrics.k8s.io and the stats summary all read it from here, so they always agree.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { bytes } from "../quantity.js";
import { containerBehaviour, nodeBehaviour, PREFIX } from "../behaviour/vocabulary.js";
import { podUsage } from "../kubelet/usage.js";
import { podDiskBytes } from "../kubelet/disk-usage.js";
import type { Node, Pod } from "../types.js";

const MI = 2 ** 20;
/** The kubelet's default hard eviction thresholds (Linux): memory.available<100Mi, nodefs.available<10%. */
export const MEMORY_THRESHOLD_BYTES = 100 * MI;
export const NODEFS_THRESHOLD_PERCENT = 10;
/** pid.available is not a default threshold; a node forced into PID pressure behaves as if it were set to 10%. */
export const PID_THRESHOLD_PERCENT = 10;
/** kernel.pid_max on a 64-bit node. */
export const MAX_PIDS = 4194304;
/** CPU used by the OS and system daemons. */
const SYSTEM_CPU_MILLIS = 80;
/** Disk used by the OS, images and logs before any pod writes, and per running pod (rootfs + logs). */
const FS_BASE_FRACTION = 0.15;
const FS_PER_POD = 20 * MI;
const SYSTEM_PIDS = 350;
const PIDS_PER_POD = 12;

export interface NodeUsage {
  cpuMillis: number;
  /** Working set of the whole node: pods plus system. */
  memoryWorkingSet: number;
  memoryCapacity: number;
  /** The memory.available eviction signal. */
  memoryAvailable: number;
  /** How fast the working set grows (leaking containers below their limit), bytes per second. */
  memoryGrowthPerSecond: number;
  fsCapacity: number;
  fsUsed: number;
  fsAvailable: number;
  pids: number;
  /** Thresholds met right now (observed or forced by the node's sim.vigil.dev annotations). */
  pressure: { memory: boolean; disk: boolean; pid: boolean };
}

/** Pods still holding resources on a node, by node name. */
export const activePodsByNode = (cluster: Cluster): Map<string, Pod[]> => {
  const out = new Map<string, Pod[]>();
  for (const p of cluster.list<Pod>(R.pods)) {
    const node = p.spec.nodeName;
    if (!node || p.status?.phase === "Succeeded" || p.status?.phase === "Failed") continue;
    let list = out.get(node);
    if (!list) out.set(node, (list = []));
    list.push(p);
  }
  return out;
};

const quantity = (q: string | undefined, parse: (q: string) => number, fallback: number): number => {
  if (q === undefined) return fallback;
  try {
    return parse(q);
  } catch {
    return fallback;
  }
};

/** A pod's usage summed over its running containers. */
export const podTotals = (cluster: Cluster, pod: Pod): { cpuMillis: number; memoryBytes: number } => {
  let cpu = 0;
  let memory = 0;
  for (const c of podUsage(cluster, pod).containers) {
    cpu += c.cpuMillis;
    memory += c.memoryBytes;
  }
  return { cpuMillis: cpu, memoryBytes: memory };
};

/** A running container's leak, unless it already sits at its memory limit. */
const leakRate = (pod: Pod, name: string, used: number): number => {
  const annotations = pod.metadata.annotations;
  if (!annotations || !Object.keys(annotations).some((k) => k.startsWith(`${PREFIX}memory-leak`))) return 0;
  const spec = pod.spec.containers.find((c) => c.name === name);
  if (!spec) return 0;
  const rate = containerBehaviour(pod, spec).memoryLeakPerSecond;
  const limit = spec.resources?.limits?.["memory"];
  return rate > 0 && (limit === undefined || used < bytes(limit)) ? rate : 0;
};

/** Working sets are whole pages, as cgroups report them. */
export const pages = (n: number): number => Math.floor(n / 4096) * 4096;

export const nodeUsage = (cluster: Cluster, node: Node, pods: Pod[]): NodeUsage => {
  const b = nodeBehaviour(node);
  const capacity = node.status?.capacity ?? {};
  const allocatable = node.status?.allocatable ?? capacity;
  const memoryCapacity = quantity(capacity["memory"], bytes, 16 * 1024 * MI);
  const memoryAllocatable = quantity(allocatable["memory"], bytes, memoryCapacity);
  let podCpu = 0;
  let podMemory = 0;
  let growth = 0;
  for (const p of pods) {
    for (const c of podUsage(cluster, p).containers) {
      podCpu += c.cpuMillis;
      podMemory += c.memoryBytes;
      if (c.memoryBytes > 0) growth += leakRate(p, c.name, c.memoryBytes);
    }
  }
  const memoryWorkingSet = pages(podMemory + b.systemMemory);
  // Both signals the kubelet evaluates: memory.available (whole node) and allocatableMemory.available (pods only).
  let memoryAvailable = Math.min(memoryCapacity - memoryWorkingSet, memoryAllocatable - pages(podMemory));
  if (b.memoryPressure) memoryAvailable = Math.min(memoryAvailable, MEMORY_THRESHOLD_BYTES / 2);
  memoryAvailable = Math.max(0, memoryAvailable);

  const fsCapacity = quantity(capacity["ephemeral-storage"], bytes, 100 * 1024 * MI);
  const written = pods.reduce((n, p) => n + podDiskBytes(cluster, p), 0);
  let fsUsed = Math.min(fsCapacity, Math.round(fsCapacity * FS_BASE_FRACTION) + pods.length * FS_PER_POD + written);
  if (b.diskPressure) fsUsed = Math.max(fsUsed, Math.round(fsCapacity * 0.95));
  let pids = SYSTEM_PIDS + pods.length * PIDS_PER_POD;
  if (b.pidPressure) pids = Math.max(pids, Math.round(MAX_PIDS * 0.95));

  return {
    cpuMillis: podCpu + SYSTEM_CPU_MILLIS,
    memoryWorkingSet,
    memoryCapacity,
    memoryAvailable,
    memoryGrowthPerSecond: growth,
    fsCapacity,
    fsUsed,
    fsAvailable: fsCapacity - fsUsed,
    pids,
    pressure: {
      memory: memoryAvailable < MEMORY_THRESHOLD_BYTES,
      disk: (fsCapacity - fsUsed) * 100 < fsCapacity * NODEFS_THRESHOLD_PERCENT,
      pid: (MAX_PIDS - pids) * 100 < MAX_PIDS * PID_THRESHOLD_PERCENT,
    },
  };
};

/** The kubelet's housekeeping period: the eviction manager and node status re-observe usage this often. */
export const HOUSEKEEPING_MS = 10_000;

interface Observation {
  /** Re-observe at this time (ms), or earlier when the node's annotations or capacity change. */
  until: number;
  key: string;
  usage: NodeUsage;
}

const cache = new WeakMap<Cluster, { podsAt: number; pods: Map<string, Pod[]>; nodes: Map<string, Observation> }>();

/** Each node's kubelet has its own phase, so 500 nodes do not all re-observe in the same step. */
const phase = (name: string): number => {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(h) % HOUSEKEEPING_MS;
};

/**
 * A node's usage as its kubelet last observed it: re-observed every housekeeping period (or at once when the
 * node's annotations or capacity change), so controllers that run every step do not rescan 5,000 pods each time.
 */
export const observedNodeUsage = (cluster: Cluster, node: Node): NodeUsage => {
  const now = cluster.now();
  let c = cache.get(cluster);
  if (!c) cache.set(cluster, (c = { podsAt: NaN, pods: new Map(), nodes: new Map() }));
  const name = node.metadata.name!;
  const key = JSON.stringify([node.metadata.annotations, node.status?.capacity, node.status?.allocatable]);
  const hit = c.nodes.get(name);
  if (hit && now < hit.until && hit.key === key) return hit.usage;
  if (c.podsAt !== now) {
    c.pods = activePodsByNode(cluster);
    c.podsAt = now;
  }
  const usage = nodeUsage(cluster, node, c.pods.get(name) ?? []);
  const offset = phase(name);
  let until = (Math.floor((now + offset) / HOUSEKEEPING_MS) + 1) * HOUSEKEEPING_MS - offset;
  // The kernel's memcg threshold notification wakes the eviction manager as soon as a leak crosses the threshold.
  const headroom = usage.memoryAvailable - MEMORY_THRESHOLD_BYTES;
  if (usage.memoryGrowthPerSecond > 0 && headroom >= 0)
    until = Math.min(until, now + Math.max(1000, Math.ceil((headroom / usage.memoryGrowthPerSecond) * 1000)));
  c.nodes.set(name, { until, key, usage });
  return usage;
};
