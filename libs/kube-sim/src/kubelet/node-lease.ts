// The kubelet's node lease (kube-node-lease/<node>, coordination.k8s.io/v1): its heartbeat between the rare Node
// status posts. Like the kubelet it renews every nodeLeaseRenewIntervalFraction (0.25) × nodeLeaseDurationSeconds
// (40 s) = 10 s, and only then writes, so 500 idle nodes cost 50 writes per simulated second.
import type { Cluster } from "../cluster.js";
import { microTime } from "../clock.js";
import { R } from "../api/resources.js";
import type { KubeObject } from "../types.js";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";
/** kubelet --node-lease-duration-seconds. */
export const NODE_LEASE_DURATION_SECONDS = 40;
export const NODE_LEASE_RENEW_MS = NODE_LEASE_DURATION_SECONDS * 250;

interface LeaseMemory {
  /** When each node's kubelet last renewed (ms), whether or not a Lease object could be written. */
  renewed: Map<string, number>;
}
const memories = new WeakMap<Cluster, LeaseMemory>();
const memory = (cluster: Cluster): LeaseMemory => {
  let m = memories.get(cluster);
  if (!m) memories.set(cluster, (m = { renewed: new Map() }));
  return m;
};

const leaseFor = (node: KubeObject, now: number): KubeObject => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: {
    name: node.metadata.name!,
    namespace: NODE_LEASE_NAMESPACE,
    ownerReferences: [{ apiVersion: "v1", kind: "Node", name: node.metadata.name!, uid: node.metadata.uid! }],
  },
  spec: { holderIdentity: node.metadata.name!, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(now) },
});

/** Creates or renews the node's lease when a renewal is due. */
export const renewNodeLease = (cluster: Cluster, node: KubeObject, now: number): void => {
  const name = node.metadata.name!;
  const { renewed } = memory(cluster);
  const last = renewed.get(name);
  if (last !== undefined && now - last < NODE_LEASE_RENEW_MS && now >= last) return;
  renewed.set(name, now);
  // Clusters built without the system namespaces (bare test set-ups) keep the heartbeat in memory only.
  if (!cluster.get(R.namespaces, undefined, NODE_LEASE_NAMESPACE)) return;
  const existing = cluster.get(R.leases, NODE_LEASE_NAMESPACE, name);
  if (!existing) {
    cluster.create(R.leases, leaseFor(node, now));
    return;
  }
  cluster.mutate(R.leases, NODE_LEASE_NAMESPACE, name, (d) => {
    d.spec = { ...d.spec, holderIdentity: name, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(now) };
  });
};

/** Forgets nodes that are gone, so a node re-created under the same name renews at once. */
export const forgetNodeLeases = (cluster: Cluster, live: Set<string>): void => {
  const { renewed } = memory(cluster);
  for (const name of [...renewed.keys()]) if (!live.has(name)) renewed.delete(name);
};

/** The node's last heartbeat through its lease (ms): the Lease object's renewTime, or the in-memory one without it. */
export const lastLeaseRenewal = (cluster: Cluster, name: string): number => {
  const lease = cluster.get(R.leases, NODE_LEASE_NAMESPACE, name);
  if (lease) return Date.parse(String(lease.spec?.renewTime ?? "")) || 0;
  return memory(cluster).renewed.get(name) ?? 0;
};
