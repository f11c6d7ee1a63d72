// What running containers use right now, as cAdvisor would report it: the source of metrics.k8s.io, node memory
// pressure and the HPA. Memory is the demand plus what a leak added since the container started (never above the
// limit: the kernel kills it there). CPU is the container's own demand, or its pod's share of the workload's
// demand, split across the controller's Running+Ready pods, so scaling out lowers per-pod usage.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { workloadCpuDemand } from "../behaviour/vocabulary.js";
import { cpuMillis } from "../quantity.js";
import type { Container, Pod } from "../types.js";
import { behaviourOf, memoryLimit } from "./fate.js";
import { findInstance } from "./runtime.js";
import { cpuWithinLimit } from "./cpu-throttling.js";

export interface Usage {
  cpuMillis: number;
  memoryBytes: number;
  /** Set when the CPU limit throttles the container: the CPU it wants, above the cpuMillis it gets. */
  cpuDemandMillis?: number;
}

const ZERO: Usage = { cpuMillis: 0, memoryBytes: 0 };

const controllerUid = (pod: Pod): string | undefined => pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;

const runningAndReady = (p: Pod): boolean =>
  p.status?.phase === "Running" &&
  !p.metadata.deletionTimestamp &&
  p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

// Running+Ready pods per controller, rebuilt when anything in the store changed (one pass over pods per change,
// however many pods are asked about).
const readyIndex = new WeakMap<Cluster, { rv: number; counts: Map<string, number> }>();

const readyPodsOf = (cluster: Cluster, ownerUid: string): number => {
  let idx = readyIndex.get(cluster);
  if (!idx || idx.rv !== cluster.store.resourceVersion) {
    const counts = new Map<string, number>();
    for (const p of cluster.list<Pod>(R.pods)) {
      const uid = controllerUid(p);
      if (uid && runningAndReady(p)) counts.set(uid, (counts.get(uid) ?? 0) + 1);
    }
    idx = { rv: cluster.store.resourceVersion, counts };
    readyIndex.set(cluster, idx);
  }
  return idx.counts.get(ownerUid) ?? 0;
};

const cpuRequest = (c: Container): number => {
  const r = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
  return r === undefined ? 0 : cpuMillis(r);
};

/** The pod's share of its workload's CPU demand, split over its containers by their CPU requests. */
const workloadShare = (cluster: Cluster, pod: Pod, spec: Container, total: number): number => {
  const owner = controllerUid(pod);
  const pods = owner ? Math.max(1, readyPodsOf(cluster, owner)) : 1;
  const perPod = total / pods;
  const containers = pod.spec.containers;
  const requested = containers.reduce((n, c) => n + cpuRequest(c), 0);
  return requested > 0 ? (perPod * cpuRequest(spec)) / requested : perPod / containers.length;
};

export const containerUsage = (cluster: Cluster, pod: Pod, containerName: string): Usage => {
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return ZERO;
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const status = statuses.find((s) => s.name === containerName);
  const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === containerName);
  const startedText = status?.state.running?.startedAt;
  if (!spec || !status || typeof startedText !== "string") return ZERO;
  const b = behaviourOf(pod, spec);
  // The runtime knows the start to the millisecond; the status only to the second.
  const inst = status.containerID ? findInstance(cluster, pod.metadata.uid, containerName, status.containerID) : undefined;
  const started = inst?.startedAt ?? Date.parse(startedText);
  const seconds = Math.max(0, cluster.now() - started) / 1000;
  let memory = b.memoryDemand + b.memoryLeakPerSecond * seconds;
  const limit = memoryLimit(spec);
  if (limit !== undefined) memory = Math.min(memory, limit);
  const workload = workloadCpuDemand(pod);
  const isRegular = pod.spec.containers.includes(spec);
  const cpu = workload !== undefined && isRegular && runningAndReady(pod) ? workloadShare(cluster, pod, spec, workload) : b.cpuDemandMillis;
  // CFS holds the container to its CPU limit; what it wanted beyond that is throttled (see cpu-throttling.ts).
  const allowed = cpuWithinLimit(spec, cpu);
  return { cpuMillis: allowed, memoryBytes: Math.round(memory), ...(allowed < cpu ? { cpuDemandMillis: cpu } : {}) };
};

export interface PodUsage extends Usage {
  containers: Array<{ name: string } & Usage>;
}

/** Per container (0 for those not running), with the pod's totals (running init containers included). */
export const podUsage = (cluster: Cluster, pod: Pod): PodUsage => {
  const containers = pod.spec.containers.map((c) => ({ name: c.name, ...containerUsage(cluster, pod, c.name) }));
  const inits = (pod.spec.initContainers ?? []).map((c) => containerUsage(cluster, pod, c.name));
  const total = (k: "cpuMillis" | "memoryBytes"): number => [...containers, ...inits].reduce((n, u) => n + u[k], 0);
  return { containers, cpuMillis: total("cpuMillis"), memoryBytes: total("memoryBytes") };
};
