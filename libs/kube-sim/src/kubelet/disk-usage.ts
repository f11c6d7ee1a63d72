// Local ephemeral storage a container uses, as the kubelet's stats report rootfs + logs: what the app wrote since its
// container started (`sim.vigil.dev/disk-write`). A restarted container gets a fresh writable layer, and a pod that
// ended (evicted, completed) has had its containers removed, so neither holds any disk.
import type { Cluster } from "../cluster.js";
import { PREFIX } from "../behaviour/vocabulary.js";
import { bytes } from "../quantity.js";
import type { Container, Pod } from "../types.js";
import { behaviourOf } from "./fate.js";
import { findInstance } from "./runtime.js";

/** Filesystems account in 4 KiB blocks. */
const BLOCK = 4096;

// Stored objects are never changed in place (a write stores a new object), so the answer holds per object.
const writers = new WeakMap<Pod, boolean>();

/** Cheap test first: only pods declaring disk writes use any (thousands of pods are checked on every pass). */
export const writesDisk = (pod: Pod): boolean => {
  let w = writers.get(pod);
  if (w === undefined) {
    const annotations = pod.metadata.annotations;
    w = !!annotations && Object.keys(annotations).some((k) => k.startsWith(`${PREFIX}disk-write`));
    writers.set(pod, w);
  }
  return w;
};

export const containerDiskBytes = (cluster: Cluster, pod: Pod, spec: Container): number => {
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return 0;
  const status = pod.status?.containerStatuses?.find((s) => s.name === spec.name);
  const startedText = status?.state.running?.startedAt;
  if (!status || typeof startedText !== "string") return 0;
  const rate = behaviourOf(pod, spec).diskWritePerSecond;
  if (rate <= 0) return 0;
  const inst = status.containerID ? findInstance(cluster, pod.metadata.uid, spec.name, status.containerID) : undefined;
  const started = inst?.startedAt ?? Date.parse(startedText);
  const written = (rate * Math.max(0, cluster.now() - started)) / 1000;
  return Math.floor(written / BLOCK) * BLOCK;
};

/** Per container, for pods that write; an empty list for the rest. */
export const podDiskUsage = (cluster: Cluster, pod: Pod): Array<{ container: Container; used: number }> =>
  writesDisk(pod) ? pod.spec.containers.map((c) => ({ container: c, used: containerDiskBytes(cluster, pod, c) })) : [];

export const podDiskBytes = (cluster: Cluster, pod: Pod): number => podDiskUsage(cluster, pod).reduce((n, u) => n + u.used, 0);

export const ephemeralStorage = (c: Container, kind: "requests" | "limits"): number | undefined => {
  const q = c.resources?.[kind]?.["ephemeral-storage"];
  return q === undefined ? undefined : bytes(q);
};
