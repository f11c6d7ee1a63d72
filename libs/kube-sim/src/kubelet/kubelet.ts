// Every node's kubelet in one controller: it runs the pods bound to nodes that are Ready and whose kubelet is
// running (elsewhere pods are frozen, as a dead or absent kubelet reports nothing), posts their status, and stops
// the containers of pods being deleted before confirming their deletion (termination.ts). Pods with
// nothing due and no change since the last sync are skipped, so a pass over thousands of settled pods is cheap.
import type { Cluster } from "../cluster.js";
import type { Controller } from "../controllers/controller.js";
import { R } from "../api/resources.js";
import { hasKubelet } from "./kubelet-presence.js";
import { syncTerminatingPod } from "./termination.js";
import type { Node, Pod } from "../types.js";
import type { SyncContext } from "./container.js";
import { allocatePodIP, internalIP } from "./network.js";
import { buildPodStatus, nextStatusChange } from "./pod-status.js";
import { failForDeadline, newPodRuntime, syncPod } from "./pod-sync.js";
import { kubeletState, nodeRuntime } from "./runtime.js";

/** Whether the node's kubelet is up and the node Ready: only then do its pods move. */
export const kubeletRunning = (cluster: Cluster, node: Node): boolean =>
  hasKubelet(cluster, node) && node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

const isTerminal = (p: Pod): boolean => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

export class Kubelet implements Controller {
  readonly name = "kubelet";

  reconcile(cluster: Cluster): void {
    const state = kubeletState(cluster);
    const now = cluster.now();
    const nodes = new Map<string, Node>();
    const running = new Set<string>();
    for (const n of cluster.list<Node>(R.nodes)) {
      nodes.set(n.metadata.name!, n);
      if (kubeletRunning(cluster, n)) running.add(n.metadata.name!);
    }
    const pods = cluster.list<Pod>(R.pods);
    const live = new Set<string>();
    // Addresses in use per node, built only when a pod needs one.
    let used: Map<string, Set<string>> | undefined;
    const usedOn = (node: string): Set<string> => {
      if (!used) {
        used = new Map();
        for (const p of pods) {
          if (!p.spec.nodeName || !p.status?.podIP || isTerminal(p)) continue;
          let set = used.get(p.spec.nodeName);
          if (!set) used.set(p.spec.nodeName, (set = new Set()));
          set.add(p.status.podIP);
        }
      }
      let set = used.get(node);
      if (!set) used.set(node, (set = new Set()));
      return set;
    };

    for (const pod of pods) {
      const uid = pod.metadata.uid!;
      live.add(uid);
      const nodeName = pod.spec.nodeName;
      if (!nodeName || (isTerminal(pod) && !pod.metadata.deletionTimestamp)) continue;
      const node = nodes.get(nodeName);
      if (!node || !running.has(nodeName)) continue;
      const known = state.pods.get(uid);
      if (known && known.seenRV === pod.metadata.resourceVersion && now < known.nextDue) continue;
      const rt = known ?? newPodRuntime(pod, now);
      if (!known) state.pods.set(uid, rt);
      if (pod.metadata.deletionTimestamp) {
        const addr = { hostIP: internalIP(node), podIP: pod.status?.podIP ?? "" };
        rt.nextDue = syncTerminatingPod(cluster, pod, rt, nodeName, addr, now);
        rt.seenRV = cluster.get(R.pods, pod.metadata.namespace, pod.metadata.name!)?.metadata.resourceVersion;
        continue;
      }

      const nodeRt = nodeRuntime(state, nodeName);
      // Host-network pods share the node's address.
      const podIP = pod.status?.podIP || (pod.spec.hostNetwork ? internalIP(node) : allocatePodIP(node, nodeRt, usedOn(nodeName)));
      // Containers move up to now, or only up to the pod's active deadline when that has passed.
      const startMs = Date.parse(pod.status?.startTime ?? "") || now;
      const limit = pod.spec.activeDeadlineSeconds;
      const deadline = typeof limit === "number" ? startMs + limit * 1000 : Infinity;
      const ctx: SyncContext = {
        cluster,
        pod,
        nodeName,
        node: nodeRt,
        now: Math.min(now, deadline),
        podIP,
        podRef: `${pod.metadata.name}_${pod.metadata.namespace}(${uid})`,
      };
      let due = syncPod(ctx, rt);
      const failure = now >= deadline ? failForDeadline(ctx, rt, deadline) : undefined;
      if (!failure) due = Math.min(due, deadline);
      const status = buildPodStatus(pod, rt, now, { hostIP: internalIP(node), podIP }, failure);
      const stored = cluster.updateStatus<Pod>(R.pods, pod.metadata.namespace, pod.metadata.name!, (d) => {
        d.status = status;
      });
      rt.seenRV = stored?.metadata.resourceVersion;
      rt.nextDue = Math.min(due, nextStatusChange(pod, rt, now));
    }
    for (const uid of state.pods.keys()) if (!live.has(uid)) state.pods.delete(uid);
  }
}
