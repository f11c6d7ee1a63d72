// kube-controller-manager's pod garbage collector (pkg/controller/podgc), every gcCheckPeriod (20 s):
// - orphaned pods, bound to a node that no longer exists once it has been missing for the quarantine (40 s), are
//   marked Failed with a DisruptionTarget condition and force-deleted;
// - terminating pods on a node that is not ready and carries the node.kubernetes.io/out-of-service taint, and
//   terminating pods never scheduled, are force-deleted (nobody else would finish them);
// - finished pods above --terminated-pod-gc-threshold (12500) are deleted, oldest first.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { Controller } from "./controller.js";
import { isTerminal } from "./pod-state.js";
import type { Node, Pod } from "../types.js";

export const GC_CHECK_PERIOD_MS = 20_000;
export const QUARANTINE_MS = 40_000;
export const TERMINATED_POD_THRESHOLD = 12_500;
const OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";

interface DisruptionCondition {
  reason: string;
  message: string;
}

/** markFailedAndDeletePodWithCondition: Failed (when not finished yet), then deleted with grace period 0. */
const markFailedAndDelete = (cluster: Cluster, pod: Pod, condition?: DisruptionCondition): void => {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name!;
  if (!isTerminal(pod)) {
    const ts = cluster.timestamp();
    cluster.updateStatus<Pod>(R.pods, ns, name, (d) => {
      const status = (d.status ??= { phase: "Pending" });
      status.phase = "Failed";
      if (!condition) return;
      const conditions = (status.conditions ??= []).filter((c) => c.type !== "DisruptionTarget");
      conditions.push({
        type: "DisruptionTarget",
        status: "True",
        reason: condition.reason,
        message: condition.message,
        lastProbeTime: null,
        lastTransitionTime: ts,
      });
      status.conditions = conditions;
    });
  }
  try {
    cluster.delete(R.pods, ns, name, { gracePeriodSeconds: 0, uid: pod.metadata.uid! });
  } catch {
    // Gone meanwhile.
  }
};

const notReady = (node: Node): boolean => node.status?.conditions?.find((c) => c.type === "Ready")?.status !== "True";
const outOfService = (node: Node): boolean => (node.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE && t.effect === "NoExecute");

export class PodGarbageCollector implements Controller {
  readonly name = "pod-gc";
  private lastRun = -Infinity;
  /** Node name → when the collector first found pods bound to it while it did not exist. */
  private readonly missingSince = new Map<string, number>();

  reconcile(cluster: Cluster): void {
    const now = cluster.now();
    if (now - this.lastRun < GC_CHECK_PERIOD_MS) return;
    this.lastRun = now;
    const nodes = new Map(cluster.list<Node>(R.nodes).map((n) => [n.metadata.name!, n]));
    const pods = cluster.list<Pod>(R.pods);
    this.gcTerminated(cluster, pods);
    this.gcTerminating(cluster, pods, nodes);
    this.gcOrphaned(cluster, pods, nodes, now);
    for (const pod of pods) if (pod.metadata.deletionTimestamp && !pod.spec.nodeName) markFailedAndDelete(cluster, pod);
  }

  private gcTerminated(cluster: Cluster, pods: Pod[]): void {
    const finished = pods.filter(isTerminal);
    const excess = finished.length - TERMINATED_POD_THRESHOLD;
    if (excess <= 0) return;
    finished.sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? "") - Date.parse(b.metadata.creationTimestamp ?? ""));
    for (const pod of finished.slice(0, excess)) markFailedAndDelete(cluster, pod);
  }

  private gcTerminating(cluster: Cluster, pods: Pod[], nodes: Map<string, Node>): void {
    for (const pod of pods) {
      const node = pod.metadata.deletionTimestamp && pod.spec.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
      if (node && notReady(node) && outOfService(node)) markFailedAndDelete(cluster, pod);
    }
  }

  private gcOrphaned(cluster: Cluster, pods: Pod[], nodes: Map<string, Node>, now: number): void {
    const missing = new Set<string>();
    for (const pod of pods) {
      const nodeName = pod.spec.nodeName;
      if (!nodeName || nodes.has(nodeName)) continue;
      missing.add(nodeName);
      const since = this.missingSince.get(nodeName) ?? now;
      this.missingSince.set(nodeName, since);
      if (now - since < QUARANTINE_MS) continue;
      markFailedAndDelete(cluster, pod, { reason: "DeletionByPodGC", message: "PodGC: node no longer exists" });
    }
    for (const name of [...this.missingSince.keys()]) if (!missing.has(name)) this.missingSince.delete(name);
  }
}
